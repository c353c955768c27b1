import { freePort, isPortFree } from "./ports.js";

/**
 * `count` free ports: the first is `first` when given. sipp binds its media port and media port + 2,
 * so the second port returned (the media port) also has its +2 neighbour free.
 */
export async function allocatePorts(first: number | undefined, count: number): Promise<number[]> {
  const ports = [first ?? (await freePort())];
  while (ports.length < count) {
    const p = await freePort();
    if (ports.length === 1 && !((await isPortFree(p + 2, "udp")) && (await isPortFree(p + 2, "tcp")))) continue;
    ports.push(p);
  }
  return ports;
}

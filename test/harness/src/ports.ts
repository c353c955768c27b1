import { createSocket } from "node:dgram";
import { createConnection, createServer } from "node:net";

const HOST = "127.0.0.1";

function tcpBindable(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => done(true)));
  });
}

function udpBindable(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createSocket("udp4");
    socket.once("error", () => {
      socket.close();
      done(false);
    });
    socket.bind({ port, address: HOST, exclusive: true }, () => socket.close(() => done(true)));
  });
}

/** Whether nothing is bound to 127.0.0.1:port for this protocol. */
export function isPortFree(port: number, protocol: "tcp" | "udp" = "tcp"): Promise<boolean> {
  return protocol === "tcp" ? tcpBindable(port) : udpBindable(port);
}

const handedOut = new Set<number>();

/**
 * A port on 127.0.0.1 that is free for both TCP and UDP right now, and not handed out before by this
 * process (so two peers asking in a row do not get the same one before either binds it).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((done, fail) => {
      const server = createServer();
      server.once("error", fail);
      server.listen(0, HOST, () => {
        const address = server.address();
        server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
      });
    });
    if (handedOut.has(port) || !(await udpBindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error("no free port found on 127.0.0.1");
}

/** Whether a TCP connection to host:port is accepted. */
export function canConnect(port: number, host = HOST, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(timeoutMs);
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
    socket.once("timeout", () => {
      socket.destroy();
      done(false);
    });
  });
}

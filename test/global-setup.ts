// Vitest global setup: makes sure the real peers exist and a NATS server with JetStream answers, so that
// `pnpm test` works on a fresh machine. Reuses NATS_URL, or 127.0.0.1:4222 when something answers there;
// otherwise starts a private nats-server on a free port and stops it at the end.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(500);
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

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

let nats: ChildProcess | undefined;
let storeDir: string | undefined;

export async function setup(): Promise<void> {
  const ensured = spawnSync("bash", [join(root, "scripts/ensure-peers.sh")], { stdio: "inherit" });
  if (ensured.status !== 0) process.stderr.write("global-setup: some peers are missing; tests that need them fail\n");
  if (process.env.NATS_URL) return;
  if (await answers("127.0.0.1", 4222)) {
    process.env.NATS_URL = "nats://127.0.0.1:4222";
    return;
  }
  const port = await freePort();
  storeDir = mkdtempSync(join(tmpdir(), "stox-nats-"));
  nats = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir], {
    stdio: "ignore",
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` },
  });
  const deadline = Date.now() + 10_000;
  while (!(await answers("127.0.0.1", port))) {
    if (Date.now() > deadline) throw new Error("global-setup: nats-server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  process.env.NATS_URL = `nats://127.0.0.1:${port}`;
}

export async function teardown(): Promise<void> {
  nats?.kill("SIGTERM");
  if (storeDir) rmSync(storeDir, { recursive: true, force: true });
}

// A private nats-server with JetStream per test file (until @stox/test-harness startNats lands), so the
// sip.in.* subjects of these tests never meet another package's consumers on the shared server.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface NatsServer {
  readonly url: string;
  stop(): Promise<void>;
}

function freeTcpPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      server.close(() => (typeof a === "object" && a ? done(a.port) : fail(new Error("no port"))));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = createConnection({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      done(true);
    });
    s.once("error", () => done(false));
  });
}

export async function startNats(): Promise<NatsServer> {
  const port = await freeTcpPort();
  const dir = mkdtempSync(join(tmpdir(), "sip-edge-nats-"));
  const child: ChildProcess = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", dir], {
    stdio: "ignore",
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` },
  });
  const deadline = Date.now() + 10_000;
  while (!(await answers(port))) {
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("nats-server did not start");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((done) => {
        child.once("exit", () => {
          rmSync(dir, { recursive: true, force: true });
          done();
        });
        child.kill("SIGTERM");
      }),
  };
}

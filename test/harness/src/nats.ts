import { join } from "node:path";
import { HarnessProcessError } from "./errors.js";
import { canConnect, freePort } from "./ports.js";
import { spawnManaged } from "./processes.js";
import { makeTempDir } from "./temp-dir.js";
import { waitUntil } from "./wait.js";

export interface StartNatsOptions {
  /** Reuse this server when it answers (default: process.env.NATS_URL, then nats://127.0.0.1:4222). */
  readonly reuseUrl?: string;
  /** Always start a private server, even when one answers (tests of restarts, isolation). */
  readonly isPrivate?: boolean;
  /** Default /usr/sbin/nats-server. */
  readonly binary?: string;
}

export interface NatsHandle {
  /** nats://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** True when an already running server was reused (stop() then does nothing). */
  readonly isReused: boolean;
  /** The private server's temp dir (store and log), when one was started. */
  readonly dir: string | undefined;
  /** The private server's pid, when one was started. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

function portOf(url: string): { host: string; port: number } | undefined {
  const m = /^nats:\/\/(?:[^@/]*@)?([^:/]+):(\d+)\/?$/.exec(url);
  return m ? { host: m[1] as string, port: Number(m[2]) } : undefined;
}

/**
 * A NATS server with JetStream on loopback: the one at NATS_URL (or 127.0.0.1:4222) when it answers,
 * otherwise `nats-server -js` on a free port with a temp store, stopped by `stop()` or `cleanup()`.
 */
export async function startNats(options: StartNatsOptions = {}): Promise<NatsHandle> {
  if (!options.isPrivate) {
    const candidates = [options.reuseUrl, process.env.NATS_URL, "nats://127.0.0.1:4222"];
    for (const url of candidates) {
      const target = url ? portOf(url) : undefined;
      if (url && target && (await canConnect(target.port, target.host))) {
        return { url, port: target.port, isReused: true, dir: undefined, pid: undefined, stop: async () => undefined };
      }
    }
  }
  const port = await freePort();
  const dir = makeTempDir("nats");
  const binary = options.binary ?? "/usr/sbin/nats-server";
  const proc = spawnManaged(binary, ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", join(dir, "store")], {
    label: "nats-server",
    logFile: join(dir, "nats-server.log"),
  });
  try {
    await waitUntil("nats-server", async () => {
      if (!proc.isRunning()) {
        throw new HarnessProcessError(`nats-server exited early; log in ${dir}`, binary, null, dir);
      }
      return canConnect(port);
    });
  } catch (err) {
    await proc.stop();
    throw err;
  }
  const stop = async () => {
    await proc.stop();
  };
  return { url: `nats://127.0.0.1:${port}`, port, isReused: false, dir, pid: proc.pid, stop };
}

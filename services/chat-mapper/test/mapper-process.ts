import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../../..");

export interface MapperProcess {
  readonly child: ChildProcess;
  readonly httpPort: number;
  /** Reads one counter from /metrics (sum over label sets matching `labelFilter`). */
  counter(name: string, labelFilter?: string): Promise<number>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `run-mapper.ts` (or another host script that prints `ready <httpPort>`) as its own process with
 * the given environment; resolves when it serves.
 */
export function startMapperProcess(
  env: Record<string, string>,
  script = resolve(import.meta.dirname, "run-mapper.ts"),
): Promise<MapperProcess> {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", script], {
    cwd: root,
    env: { ...process.env, STOX_HTTP_PORT: "0", LOG_LEVEL: "error", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((done, fail) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`chat-mapper process did not start: ${stderr}`));
    }, 30_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`chat-mapper process exited with ${code}: ${stderr}`));
    });
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const httpPort = Number(m[1]);
      done({
        child,
        httpPort,
        async counter(name, labelFilter = "") {
          const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
          return text
            .split("\n")
            .filter((l) => l.startsWith(name) && l.includes(labelFilter))
            .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
        },
        kill(signal) {
          return new Promise((exited) => {
            if (child.exitCode !== null || child.signalCode !== null) return exited();
            child.once("exit", () => exited());
            child.kill(signal);
          });
        },
      });
    });
  });
}

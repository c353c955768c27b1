import { join, resolve } from "node:path";
import { type Env, type Host, type ServiceDefinition, startHost } from "@stox/service-kit";
import { registerCleanup } from "./cleanup.js";
import { HarnessProcessError } from "./errors.js";
import { freePort } from "./ports.js";
import { spawnManaged } from "./processes.js";
import { makeTempDir } from "./temp-dir.js";
import { waitUntil } from "./wait.js";

/** The repository root (for running services/gateway/src/main.ts). */
export const REPO_ROOT = resolve(import.meta.dirname, "../../..");

export interface StartServicesOptions {
  readonly services: readonly ServiceDefinition[];
  /** "memory" (embedded, the default) or "nats" (then `natsUrl` or NATS_URL is used). */
  readonly bus?: "memory" | "nats";
  readonly natsUrl?: string;
  /** Extra environment for the services' `loadConfig` (e.g. SIP_EDGE_UDP_PORT). */
  readonly env?: Env;
  /** Host name for logs and metrics; default "gateway". */
  readonly name?: string;
  /** Default 10 s. */
  readonly readyTimeoutMs?: number;
}

export interface InProcessServices {
  readonly host: Host;
  /** `http://127.0.0.1:<port>` serving /healthz, /readyz, /metrics. */
  readonly httpUrl: string;
  stop(): Promise<void>;
}

/** Whether GET <url>/readyz answers 200. */
export async function isReady(httpUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${httpUrl}/readyz`, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Runs service definitions in this process with `startHost` (the embedded mode), on the in-memory bus or
 * NATS, health on a free port, and waits until /readyz says ready. Stopped by `stop()` or `cleanup()`.
 */
export async function startServicesInProcess(options: StartServicesOptions): Promise<InProcessServices> {
  const bus = options.bus ?? "memory";
  const natsUrl = options.natsUrl ?? process.env.NATS_URL;
  const env: Env = {
    LOG_LEVEL: "warn",
    ...options.env,
    STOX_BUS: bus,
    STOX_HTTP_HOST: "127.0.0.1",
    STOX_HTTP_PORT: String(await freePort()),
    ...(bus === "nats" && natsUrl ? { NATS_URL: natsUrl } : {}),
  };
  const host = await startHost({ name: options.name ?? "gateway", env, services: options.services });
  const stop = () => host.stop();
  registerCleanup(`services in process (${host.serviceNames.join(", ") || "none"})`, stop);
  const httpUrl = `http://127.0.0.1:${host.httpPort}`;
  await waitUntil(`services ${host.serviceNames.join(", ")}`, () => isReady(httpUrl), options.readyTimeoutMs);
  return { host, httpUrl, stop };
}

export interface StartServiceProcessOptions {
  /**
   * STOX_SERVICES: "auto" (default: every registered service whose config is complete), "all" (every one;
   * a config error stops start-up), or the names of the services for this process.
   */
  readonly services?: readonly string[] | "all" | "auto";
  readonly bus?: "memory" | "nats";
  readonly natsUrl?: string;
  /** Extra environment (service config). PATH and the like come from this process. */
  readonly env?: NodeJS.ProcessEnv;
  /** Default 20 s (tsx compiles on first start). */
  readonly readyTimeoutMs?: number;
  /** The entry module to run; default `services/gateway/src/main.ts`. */
  readonly entry?: string;
}

export interface ServiceProcess {
  readonly pid: number;
  readonly httpUrl: string;
  /** Temp dir holding `gateway.log` (the JSON log lines), kept when the run is marked failed. */
  readonly dir: string;
  log(): string;
  /** SIGTERM (the gateway drains), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs the gateway as its own OS process (`node --conditions=source --import tsx services/gateway/src/main.ts`)
 * with STOX_SERVICES and env, and waits for /readyz. Throws HarnessProcessError (with the log) if it exits first.
 */
export async function startServiceProcess(options: StartServiceProcessOptions = {}): Promise<ServiceProcess> {
  const names = options.services ?? "auto";
  const label = typeof names === "string" ? names : names.join(",");
  const bus = options.bus ?? "nats";
  const natsUrl = options.natsUrl ?? process.env.NATS_URL;
  const port = await freePort();
  const dir = makeTempDir("service");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: "info",
    ...options.env,
    STOX_SERVICES: label,
    STOX_BUS: bus,
    STOX_HTTP_HOST: "127.0.0.1",
    STOX_HTTP_PORT: String(port),
    ...(bus === "nats" && natsUrl ? { NATS_URL: natsUrl } : {}),
  };
  const entry = options.entry ?? join(REPO_ROOT, "services/gateway/src/main.ts");
  const args = ["--conditions=source", "--import", "tsx", entry];
  const proc = spawnManaged(process.execPath, args, {
    label: `stox ${label}`,
    logFile: join(dir, "gateway.log"),
    cwd: REPO_ROOT,
    env,
  });
  const httpUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      `stox process (${label})`,
      async () => {
        if (!proc.isRunning()) {
          const status = await proc.exited;
          throw new HarnessProcessError(
            `stox process (${label}) exited with ${status.code ?? status.signal}: ${proc.log().trim().slice(-2_000)}`,
            `${process.execPath} ${args.join(" ")}`,
            status.code,
            dir,
          );
        }
        return isReady(httpUrl);
      },
      options.readyTimeoutMs ?? 20_000,
      100,
    );
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return {
    pid: proc.pid,
    httpUrl,
    dir,
    log: () => proc.log(),
    stop: async (graceMs) => {
      await proc.stop(graceMs);
    },
  };
}

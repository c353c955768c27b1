import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { registerTempDir } from "./cleanup.js";
import { allocatePorts } from "./port-pool.js";
import { isPortFree } from "./ports.js";
import { spawnManaged } from "./processes.js";
import { waitUntil } from "./wait.js";

/** Where the committed scenarios live (`test/sipp/` at the repo root). */
export const SIPP_SCENARIO_DIR = resolve(import.meta.dirname, "../../sipp");

export interface SippOptions {
  /** A scenario file: absolute path, or a name in `test/sipp/` (`uac-message-expect-200.xml`). */
  readonly scenario: string;
  /** `host:port` to send to; makes this a UAC. Omit for a UAS that waits on `localPort`. */
  readonly target?: string;
  /** `u1` = UDP, one socket; `t1` = TCP, one connection. Default `u1`. */
  readonly transport?: "u1" | "t1";
  /** Local SIP port; default a free one. */
  readonly localPort?: number;
  /** `-m`: calls (scenario runs) before sipp exits. Default 1. */
  readonly calls?: number;
  /** `-timeout`: sipp gives up (and fails, `-timeout_error`) after this many seconds. Default 10. */
  readonly timeoutSeconds?: number;
  /** `-s`: the user part of the Request-URI (`[service]` in scenarios). */
  readonly service?: string;
  /** `-key name value` for `[name]` in scenarios. */
  readonly keys?: Readonly<Record<string, string>>;
  /** Anything else, appended last. */
  readonly extraArgs?: readonly string[];
  /** Default /usr/bin/sipp. */
  readonly binary?: string;
}

export interface SippResult {
  /** sipp's exit code: 0 all calls succeeded, 1 some failed, 97/99 other ends, 255/254 fatal. */
  readonly exitCode: number | null;
  readonly isSuccess: boolean;
  /** `-trace_msg`: every message sent and received. */
  readonly messages: string;
  /** `-trace_err`: unexpected messages and errors. */
  readonly errors: string;
  /** The final statistics screen and sipp's own output. */
  readonly output: string;
  /** The logs dir: removed by cleanup() unless the test was marked failed (`markFailed()`). */
  readonly dir: string;
  readonly args: readonly string[];
}

export interface SippRun {
  /** The local SIP port sipp is bound to. */
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  /** Settles with the result when sipp exits. */
  readonly done: Promise<SippResult>;
  /** Stops sipp early (SIGTERM to its group) and returns what it logged. */
  stop(): Promise<SippResult>;
}

function read(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/**
 * Starts `/usr/bin/sipp` (3.6) bound to 127.0.0.1 on free ports, with message and error traces in a temp
 * dir. A UAS (no `target`) resolves once its SIP port is bound, so a UAC can be pointed at it.
 */
export async function startSipp(options: SippOptions): Promise<SippRun> {
  const transport = options.transport ?? "u1";
  const scenario = isAbsolute(options.scenario) ? options.scenario : join(SIPP_SCENARIO_DIR, options.scenario);
  const dir = mkdtempSync(join(tmpdir(), "stox-sipp-"));
  const [port, mediaPort, controlPort] = (await allocatePorts(options.localPort, 3)) as [number, number, number];
  const args = [
    ...(options.target !== undefined ? [options.target] : []),
    ...["-sf", scenario, "-t", transport, "-i", "127.0.0.1", "-p", String(port)],
    ...["-mi", "127.0.0.1", "-mp", String(mediaPort), "-cp", String(controlPort)],
    ...["-m", String(options.calls ?? 1), "-timeout", `${options.timeoutSeconds ?? 10}s`, "-timeout_error"],
    ...["-nostdin", "-trace_msg", "-message_file", join(dir, "messages.log")],
    ...["-trace_err", "-error_file", join(dir, "errors.log")],
    ...["-trace_screen", "-screen_file", join(dir, "screen.log")],
    ...(options.service !== undefined ? ["-s", options.service] : []),
    ...Object.entries(options.keys ?? {}).flatMap(([k, v]) => ["-key", k, v]),
    ...(options.extraArgs ?? []),
  ];
  const proc = spawnManaged(options.binary ?? "/usr/bin/sipp", args, {
    label: `sipp ${options.scenario}`,
    logFile: join(dir, "output.log"),
    cwd: dir,
  });
  const done = proc.exited.then((status): SippResult => {
    const result: SippResult = {
      exitCode: status.code,
      isSuccess: status.code === 0,
      messages: read(join(dir, "messages.log")),
      errors: read(join(dir, "errors.log")),
      output: `${read(join(dir, "output.log"))}${read(join(dir, "screen.log"))}`,
      dir,
      args,
    };
    // The logs are in the result; the dir goes with cleanup() unless the test was marked failed.
    registerTempDir(dir);
    return result;
  });
  if (options.target === undefined) {
    const protocol = transport === "u1" ? "udp" : "tcp";
    await waitUntil(`sipp UAS on ${port}/${protocol}`, async () => {
      if (!proc.isRunning()) return true; // exited early: `done` carries why
      return !(await isPortFree(port, protocol));
    });
  }
  const stop = async (): Promise<SippResult> => {
    await proc.stop();
    return done;
  };
  return { port, pid: proc.pid, dir, done, stop };
}

/** Runs a sipp scenario to the end (UAC, or a UAS that gets its calls from elsewhere). */
export async function runSipp(options: SippOptions): Promise<SippResult> {
  return (await startSipp(options)).done;
}

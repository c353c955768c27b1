import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { registerCleanup } from "./cleanup.js";

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** Name used in errors and cleanup reports. */
  readonly label: string;
  /** stdout and stderr of the process go to this file (kept with the temp dir on failure). */
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** A child process in its own process group, stopped with the whole group. */
export interface ManagedProcess {
  readonly pid: number;
  readonly label: string;
  readonly logFile: string;
  /** Settles when the process exits, however it exits. */
  readonly exited: Promise<ExitStatus>;
  isRunning(): boolean;
  /** The log file's content so far. */
  log(): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the leader exited. Idempotent. */
  stop(graceMs?: number): Promise<ExitStatus>;
}

/** Process groups still alive: killed on the way out even if no cleanup ran (a crashed test worker). */
const liveGroups = new Set<number>();

function killAll(): void {
  for (const pid of liveGroups) killGroup(pid, "SIGKILL");
  liveGroups.clear();
}

/**
 * SIGINT/SIGTERM (an interrupted run) end Node without "exit" handlers, and detached children would outlive
 * it. While children are alive, kill them first, then let the signal take its default course unless
 * someone else listens for it.
 */
function onSignal(signal: NodeJS.Signals): void {
  killAll();
  untrackSignals();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let isTrackingSignals = false;
function trackSignals(): void {
  if (isTrackingSignals) return;
  isTrackingSignals = true;
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

function untrackSignals(): void {
  if (!isTrackingSignals) return;
  isTrackingSignals = false;
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
}

process.once("exit", killAll);

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Starts `command` detached in a new process group (so children of the child die with it), with output
 * in `logFile`, and registers its stop with `cleanup()`.
 */
export function spawnManaged(command: string, args: readonly string[], options: SpawnOptions): ManagedProcess {
  const fd = openSync(options.logFile, "a");
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const spawnFailure = new Promise<ExitStatus>((done) => child.once("error", () => done({ code: -1, signal: null })));
  const pid = child.pid;
  let isRunning = pid !== undefined;
  const exited = Promise.race([
    spawnFailure,
    new Promise<ExitStatus>((done) => child.once("exit", (code, signal) => done({ code, signal }))),
  ]).then((status) => {
    isRunning = false;
    if (pid !== undefined) {
      // The leader is gone; make sure nothing it started lingers.
      killGroup(pid, "SIGKILL");
      liveGroups.delete(pid);
      if (liveGroups.size === 0) untrackSignals();
    }
    return status;
  });
  if (pid !== undefined) {
    liveGroups.add(pid);
    trackSignals();
  }
  child.unref();

  let stopping: Promise<ExitStatus> | undefined;
  const stop = (graceMs = 3_000): Promise<ExitStatus> => {
    stopping ??= (async () => {
      if (pid === undefined || !isRunning) return exited;
      killGroup(pid, "SIGTERM");
      const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
      const status = await exited;
      clearTimeout(timer);
      return status;
    })();
    return stopping;
  };
  const unregister = registerCleanup(`${options.label} (pid ${pid ?? "none"})`, async () => {
    await stop();
  });
  void exited.then(unregister);

  return {
    pid: pid ?? -1,
    label: options.label,
    logFile: options.logFile,
    exited,
    isRunning: () => isRunning,
    log: () => {
      try {
        return readFileSync(options.logFile, "utf8");
      } catch {
        return "";
      }
    },
    stop,
  };
}

/** Whether a process with this pid exists (signal 0 probe). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

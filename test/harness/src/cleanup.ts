import { rmSync } from "node:fs";

/** Something the harness must undo: stop a process, close a socket, remove a temp dir. */
export type CleanupTask = () => Promise<void> | void;

interface Entry {
  readonly label: string;
  readonly task: CleanupTask;
}

const entries: Entry[] = [];
const tempDirs = new Set<string>();
let isFailed = false;

/**
 * Registers an undo step. Steps run in reverse order of registration by `cleanup()`. The returned
 * function unregisters the step (call it once the resource was released the normal way).
 */
export function registerCleanup(label: string, task: CleanupTask): () => void {
  const entry: Entry = { label, task };
  entries.push(entry);
  return () => {
    const i = entries.indexOf(entry);
    if (i >= 0) entries.splice(i, 1);
  };
}

/** Registers a temp dir: removed by `cleanup()` unless a failure was marked, then kept for reading. */
export function registerTempDir(dir: string): void {
  tempDirs.add(dir);
}

/** Marks the run as failed so `cleanup()` keeps logs and temp dirs. Use from `onTestFailed`. */
export function markFailed(): void {
  isFailed = true;
}

/** Whether `markFailed()` was called since the last `cleanup()`. */
export function hasFailed(): boolean {
  return isFailed;
}

export interface CleanupReport {
  /** Labels of the steps that ran. */
  readonly ran: readonly string[];
  /** Steps that threw; cleanup carries on past them. */
  readonly errors: readonly { readonly label: string; readonly error: unknown }[];
  /** Temp dirs kept because a failure was marked (logs to read). */
  readonly keptDirs: readonly string[];
}

/**
 * Runs every registered undo step (newest first), then removes temp dirs unless a failure was marked.
 * Safe to call more than once; meant for `afterAll(() => cleanup())` or `afterEach`.
 */
export async function cleanup(): Promise<CleanupReport> {
  const ran: string[] = [];
  const errors: { label: string; error: unknown }[] = [];
  while (entries.length > 0) {
    const entry = entries.pop() as Entry;
    try {
      await entry.task();
      ran.push(entry.label);
    } catch (error) {
      errors.push({ label: entry.label, error });
    }
  }
  const keptDirs = isFailed ? [...tempDirs] : [];
  if (!isFailed) for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
  isFailed = false;
  return { ran, errors, keptDirs };
}

/** Labels of the undo steps still pending (for tests of the harness). */
export function pendingCleanups(): readonly string[] {
  return entries.map((e) => e.label);
}

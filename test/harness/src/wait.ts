import { setTimeout as sleep } from "node:timers/promises";
import { HarnessTimeoutError } from "./errors.js";

/** Polls `check` until it returns true; throws HarnessTimeoutError with `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new HarnessTimeoutError(`${what}: not ready after ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

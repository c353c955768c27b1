/** Reconnect delays: exponential from `initialMs`, capped at `maxMs`, with full jitter in the upper half. */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** The delay before reconnect attempt `attempt` (0-based). `random` is injectable for tests. */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

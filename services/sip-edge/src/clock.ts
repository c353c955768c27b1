/** Time source for every SIP timer, so tests can drive transactions with fake timers. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock. It looks `setTimeout` up on each call, so `vi.useFakeTimers()` installed after
 * construction still takes effect.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = globalThis.setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** RFC 3261 §17.1.1.1 / Table 4 base values, in milliseconds. */
export interface SipTimers {
  /** RTT estimate, default 500 ms. */
  readonly t1: number;
  /** Longest retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  readonly t2: number;
  /** Longest time a message stays in the network, default 5 s. */
  readonly t4: number;
}

export const DEFAULT_TIMERS: SipTimers = Object.freeze({ t1: 500, t2: 4000, t4: 5000 });

import type { Clock } from "../clock.js";

export interface RateLimiterOptions {
  /** Tokens added per second (sustained requests per second per source). */
  readonly ratePerSecond: number;
  /** Bucket size (burst). */
  readonly burst: number;
  readonly clock: Clock;
  /** Buckets kept at most; the oldest are forgotten first. */
  readonly maxSources?: number;
}

/** Token buckets per source IP. `take` answers how many seconds to wait (0 = allowed now). */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #options: RateLimiterOptions;

  constructor(options: RateLimiterOptions) {
    this.#options = options;
  }

  /** Takes one token for `source`; returns 0 when allowed, else the whole seconds until a token is due. */
  take(source: string): number {
    const { ratePerSecond, burst, clock } = this.#options;
    if (ratePerSecond <= 0) return 0;
    const now = clock.now();
    let b = this.#buckets.get(source);
    if (b === undefined) {
      b = { tokens: burst, at: now };
      if (this.#buckets.size >= (this.#options.maxSources ?? 100_000)) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
    } else {
      this.#buckets.delete(source); // re-insert to keep insertion order ~ recency
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * ratePerSecond);
      b.at = now;
    }
    this.#buckets.set(source, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / ratePerSecond));
  }
}

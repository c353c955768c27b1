/** Token-bucket settings: `ratePerSecond` tokens refill per second, up to `burst`. 0 rate = unlimited. */
export interface RateLimitOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Most keys tracked; idle (full) buckets are dropped first when it is reached. */
  readonly maxKeys?: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Per-key token buckets (CORE-SEC-04 (c): rate-limit per sender). Memory is bounded: when `maxKeys` is
 * reached, buckets that have refilled completely carry no state worth keeping and are dropped; if none has,
 * the oldest half goes.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxKeys: number;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): boolean {
    if (this.options.ratePerSecond <= 0) return true;
    const now = this.nowMs();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.#maxKeys) this.#evict(now);
      bucket = { tokens: this.options.burst, updatedMs: now };
      this.#buckets.set(key, bucket);
    } else {
      this.#refill(bucket, now);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  #refill(bucket: Bucket, now: number): void {
    const elapsedSeconds = Math.max(0, now - bucket.updatedMs) / 1000;
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + elapsedSeconds * this.options.ratePerSecond);
    bucket.updatedMs = now;
  }

  #evict(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      this.#refill(bucket, now);
      if (bucket.tokens >= this.options.burst) this.#buckets.delete(key);
    }
    if (this.#buckets.size < this.#maxKeys) return;
    let drop = Math.ceil(this.#buckets.size / 2);
    for (const key of this.#buckets.keys()) {
      if (drop-- <= 0) break;
      this.#buckets.delete(key);
    }
  }
}

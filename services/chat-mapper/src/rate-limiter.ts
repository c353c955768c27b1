/** IM-SEC-05: a token bucket per key (sender). `ratePerSecond` 0 disables it. Per instance. */
export interface RateLimiter {
  /** Takes one token; false when the key is over its rate. */
  take(key: string, nowMs?: number): boolean;
}

export function createRateLimiter(ratePerSecond: number, maxKeys = 100_000): RateLimiter {
  const burst = ratePerSecond * 2;
  const buckets = new Map<string, { tokens: number; atMs: number }>();
  return {
    take(key, nowMs = Date.now()) {
      if (ratePerSecond <= 0) return true;
      const bucket = buckets.get(key) ?? { tokens: burst, atMs: nowMs };
      bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * ratePerSecond);
      bucket.atMs = nowMs;
      if (buckets.size >= maxKeys && !buckets.has(key)) buckets.clear(); // bounded memory; forgetting is lenient
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}

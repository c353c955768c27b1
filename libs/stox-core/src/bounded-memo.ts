/**
 * A bounded memo for the pure address mappings (issue #8). The gateway sees the same few thousand addresses
 * message after message, while PRECIS, IDNA and URI parsing cost microseconds each time.
 *
 * Two generations instead of an LRU list: new entries go into `young`; when `young` is full it becomes `old`
 * and the previous `old` is dropped in one step. A hit in `old` is copied into `young`, so recurring keys
 * survive the turnover. At most `maxEntries` values are held, and keys longer than `maxKeyLength` are never
 * stored, so hostile input cannot grow memory: the worst case is about `maxEntries * maxKeyLength * 2` bytes
 * of keys per memo. Only successes are stored: a failing call runs (and throws) again every time.
 */
export interface BoundedMemo<V> {
  readonly maxEntries: number;
  readonly maxKeyLength: number;
  /** How many values are held now (both generations; a key may be counted twice). */
  readonly size: number;
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  clear(): void;
}

/** Creates an empty memo; `maxEntries` is split between the two generations. */
export function createBoundedMemo<V>(limits: { maxEntries: number; maxKeyLength: number }): BoundedMemo<V> {
  const { maxEntries, maxKeyLength } = limits;
  const generationSize = Math.max(1, Math.floor(maxEntries / 2));
  let young = new Map<string, V>();
  let old = new Map<string, V>();
  const set = (key: string, value: V): void => {
    if (key.length > maxKeyLength) return;
    young.set(key, value);
    if (young.size >= generationSize) {
      old = young;
      young = new Map();
    }
  };
  const memo: BoundedMemo<V> = {
    maxEntries,
    maxKeyLength,
    get size() {
      return young.size + old.size;
    },
    get(key) {
      const hit = young.get(key);
      if (hit !== undefined) return hit;
      const promoted = old.get(key);
      if (promoted !== undefined) set(key, promoted);
      return promoted;
    },
    set,
    clear() {
      young = new Map();
      old = new Map();
    },
  };
  allMemos.push(memo);
  return memo;
}

const allMemos: BoundedMemo<unknown>[] = [];

/** Every memo created so far, for tests that check the bounds hold; not exported from the package. */
export function listMemos(): readonly BoundedMemo<unknown>[] {
  return allMemos;
}

let enabled = true;

/**
 * Runs `fn` with every address memo bypassed, as the code ran before issue #8. For tests and benchmarks that
 * compare cached against uncached results; not exported from the package.
 */
export function withoutMemo<T>(fn: () => T): T {
  const before = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}

/** The value of `compute(key)`, from the memo when it holds one. Errors from `compute` propagate and are not stored. */
export function memoized<V>(memo: BoundedMemo<V>, key: string, compute: (key: string) => V): V {
  if (!enabled || key.length > memo.maxKeyLength) return compute(key);
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const value = compute(key);
  memo.set(key, value);
  return value;
}

/** True while memos may be read and written (false inside {@link withoutMemo}). */
export function isMemoEnabled(): boolean {
  return enabled;
}

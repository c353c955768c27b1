/** A binary min-heap of (time, key) pairs; stale pairs are skipped by the caller (lazy deletion). */
export class MinHeap {
  readonly #times: number[] = [];
  readonly #keys: string[] = [];

  get size(): number {
    return this.#times.length;
  }

  push(time: number, key: string): void {
    this.#times.push(time);
    this.#keys.push(key);
    let i = this.#times.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.#times[parent] as number) <= time) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  peekTime(): number | undefined {
    return this.#times[0];
  }

  pop(): { time: number; key: string } | undefined {
    if (this.#times.length === 0) return undefined;
    const top = { time: this.#times[0] as number, key: this.#keys[0] as string };
    const lastTime = this.#times.pop() as number;
    const lastKey = this.#keys.pop() as string;
    if (this.#times.length > 0) {
      this.#times[0] = lastTime;
      this.#keys[0] = lastKey;
      this.#down(0);
    }
    return top;
  }

  #down(start: number): void {
    const n = this.#times.length;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && (this.#times[l] as number) < (this.#times[m] as number)) m = l;
      if (r < n && (this.#times[r] as number) < (this.#times[m] as number)) m = r;
      if (m === i) return;
      this.#swap(i, m);
      i = m;
    }
  }

  #swap(a: number, b: number): void {
    const t = this.#times[a] as number;
    this.#times[a] = this.#times[b] as number;
    this.#times[b] = t;
    const k = this.#keys[a] as string;
    this.#keys[a] = this.#keys[b] as string;
    this.#keys[b] = k;
  }
}

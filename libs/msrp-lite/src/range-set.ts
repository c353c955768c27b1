/** Sorted, disjoint, half-open byte intervals `[from, to)`: which bytes of a message have arrived. */
export class RangeSet {
  #ranges: [number, number][] = [];

  add(from: number, to: number): void {
    if (to <= from) return;
    const merged: [number, number][] = [];
    let lo = from;
    let hi = to;
    for (const r of this.#ranges) {
      if (r[1] < lo || r[0] > hi) {
        merged.push(r);
      } else {
        lo = Math.min(lo, r[0]);
        hi = Math.max(hi, r[1]);
      }
    }
    merged.push([lo, hi]);
    merged.sort((a, b) => a[0] - b[0]);
    this.#ranges = merged;
  }

  /** True when `[0, length)` has fully arrived. */
  coversPrefix(length: number): boolean {
    if (length === 0) return true;
    const first = this.#ranges[0];
    return first !== undefined && first[0] === 0 && first[1] >= length;
  }

  /** Number of distinct bytes received. */
  get size(): number {
    return this.#ranges.reduce((n, r) => n + r[1] - r[0], 0);
  }

  /** End of the highest range (0 when empty). */
  get end(): number {
    return this.#ranges.at(-1)?.[1] ?? 0;
  }
}

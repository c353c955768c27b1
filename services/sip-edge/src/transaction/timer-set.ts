import type { Clock } from "../clock.js";

/** The timers one transaction has running: each removes itself when it fires, and `clear` stops the rest. */
export class TimerSet {
  readonly #clock: Clock;
  readonly #handles = new Set<unknown>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  after(ms: number, fn: () => void): void {
    const handle = this.#clock.setTimeout(() => {
      this.#handles.delete(handle);
      fn();
    }, ms);
    this.#handles.add(handle);
  }

  clear(): void {
    for (const h of this.#handles) this.#clock.clearTimeout(h);
    this.#handles.clear();
  }
}

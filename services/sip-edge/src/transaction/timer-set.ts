import type { TimerEntry, TimerQueues } from "./timer-queues.js";

/** The timers one transaction has running: `clear` cancels those that have not fired yet. */
export class TimerSet {
  readonly #queues: TimerQueues;
  #entries: TimerEntry[] | undefined;

  constructor(queues: TimerQueues) {
    this.#queues = queues;
  }

  after(ms: number, fn: () => void): void {
    const entry = this.#queues.after(ms, fn);
    const entries = this.#entries;
    if (entries === undefined) {
      this.#entries = [entry];
      return;
    }
    // A fired entry has no fn left: drop those first, so a retransmission chain does not grow the list.
    if (entries.length >= 4) {
      let kept = 0;
      for (const e of entries) if (e.fn !== undefined) entries[kept++] = e;
      entries.length = kept;
    }
    entries.push(entry);
  }

  clear(): void {
    const entries = this.#entries;
    if (entries === undefined) return;
    for (const e of entries) e.fn = undefined;
    entries.length = 0;
  }
}

import type { Clock } from "../clock.js";

/** One pending expiry; `fn` is dropped when the owner clears it, so a cleared entry holds nothing. */
export interface TimerEntry {
  readonly at: number;
  fn: (() => void) | undefined;
}

/** Timers of one duration: deadlines grow with insertion order, so a FIFO and one clock timer suffice. */
class Fifo {
  constructor(readonly ms: number) {}
  readonly entries: TimerEntry[] = [];
  head = 0;
  handle: unknown;
  /** The deadline the clock timer was armed for: when it fires, that deadline has come whatever `now()` says. */
  armedFor = 0;
  /** True while due entries run: timers they set must not arm the clock before the rest are looked at. */
  isFiring = false;
}

/**
 * Every SIP timer of one transaction layer (RFC 3261 §17 timers: A-K, L, M), grouped by duration. Each
 * duration has a FIFO and at most one clock timer, armed for its oldest live entry, instead of a Node timer
 * (and its allocation, kept alive for up to 64*T1) per transaction and per timer. Timers of one duration fire
 * in the order they were set, at their exact deadline, as the clock's own timers would.
 */
export class TimerQueues {
  readonly #clock: Clock;
  readonly #byDuration = new Map<number, Fifo>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Calls `fn` after `ms`; clearing the returned entry's `fn` cancels it. */
  after(ms: number, fn: () => void): TimerEntry {
    let q = this.#byDuration.get(ms);
    if (q === undefined) {
      q = new Fifo(ms);
      this.#byDuration.set(ms, q);
    }
    const entry: TimerEntry = { at: this.#clock.now() + ms, fn };
    q.entries.push(entry);
    if (q.handle === undefined && !q.isFiring) {
      q.armedFor = entry.at;
      q.handle = this.#clock.setTimeout(() => this.#fire(q), ms);
    }
    return entry;
  }

  /** Stops every clock timer (shutdown); entries not yet fired never fire. */
  close(): void {
    for (const q of this.#byDuration.values()) {
      if (q.handle !== undefined) this.#clock.clearTimeout(q.handle);
    }
    this.#byDuration.clear();
  }

  #fire(q: Fifo): void {
    q.handle = undefined;
    q.isFiring = true;
    // A clock timer may fire a moment before `now()` reaches its deadline (Node's timers run on the event
    // loop's cached time): the deadline it was armed for counts as reached.
    const now = Math.max(this.#clock.now(), q.armedFor);
    const entries = q.entries;
    try {
      while (q.head < entries.length) {
        const e = entries[q.head] as TimerEntry;
        if (e.fn !== undefined && e.at > now) break;
        q.head++;
        const fn = e.fn;
        e.fn = undefined;
        fn?.();
      }
    } finally {
      q.isFiring = false;
      // Cleared entries at the front need no wake-up of their own.
      while (q.head < entries.length && (entries[q.head] as TimerEntry).fn === undefined) q.head++;
      this.#compact(q);
      // After `close` (maybe from a callback just run), an orphaned queue stays asleep.
      if (q.head < entries.length && this.#byDuration.get(q.ms) === q) {
        const at = (entries[q.head] as TimerEntry).at;
        const next = at - this.#clock.now();
        q.armedFor = at;
        q.handle = this.#clock.setTimeout(() => this.#fire(q), Math.max(0, next));
      }
    }
  }

  #compact(q: Fifo): void {
    if (q.head === q.entries.length) {
      q.entries.length = 0;
      q.head = 0;
    } else if (q.head > 1024 && q.head * 2 > q.entries.length) {
      q.entries.splice(0, q.head);
      q.head = 0;
    }
  }
}

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../src/clock.js";
import { TimerQueues } from "../src/transaction/timer-queues.js";
import { TimerSet } from "../src/transaction/timer-set.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("TimerQueues: one clock timer per duration", () => {
  it("fires each entry at its own deadline, not at the deadline of the entry that armed the clock", () => {
    const q = new TimerQueues(systemClock);
    const fired: string[] = [];
    q.after(1000, () => fired.push("a"));
    vi.advanceTimersByTime(300);
    q.after(1000, () => fired.push("b"));
    vi.advanceTimersByTime(699);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["a"]);
    vi.advanceTimersByTime(299);
    expect(fired).toEqual(["a"]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["a", "b"]);
  });

  it("keeps one clock timer however many entries share a duration", () => {
    const q = new TimerQueues(systemClock);
    for (let i = 0; i < 100; i++) q.after(32_000, () => {});
    q.after(500, () => {});
    expect(vi.getTimerCount()).toBe(2);
  });

  it("never calls a cleared entry, and wakes for the next live one", () => {
    const q = new TimerQueues(systemClock);
    const fired: string[] = [];
    const a = q.after(1000, () => fired.push("a"));
    vi.advanceTimersByTime(10);
    q.after(1000, () => fired.push("b"));
    a.fn = undefined;
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual(["b"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a timer set from a firing callback does not delay entries already due soon after", () => {
    const q = new TimerQueues(systemClock);
    const fired: string[] = [];
    q.after(4000, () => {
      fired.push("a");
      q.after(4000, () => fired.push("c"));
    });
    vi.advanceTimersByTime(100);
    q.after(4000, () => fired.push("b"));
    vi.advanceTimersByTime(4000);
    expect(fired).toEqual(["a", "b"]);
    vi.advanceTimersByTime(3900);
    expect(fired).toEqual(["a", "b", "c"]);
  });

  it("fires at the armed deadline even when the clock's now() lags its timers (Node's cached loop time)", () => {
    let lagMs = 0;
    const q = new TimerQueues({ ...systemClock, now: () => Date.now() - lagMs });
    const fired: string[] = [];
    q.after(1000, () => fired.push("a"));
    lagMs = 1;
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual(["a"]);
  });

  it("a queue closed from one of its own callbacks does not wake again", () => {
    const q = new TimerQueues(systemClock);
    const later = vi.fn();
    q.after(1000, () => q.close());
    vi.advanceTimersByTime(10);
    q.after(1000, later);
    vi.advanceTimersByTime(5000);
    expect(later).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("close stops every clock timer", () => {
    const q = new TimerQueues(systemClock);
    const fn = vi.fn();
    q.after(1000, fn);
    q.after(2000, fn);
    q.close();
    vi.advanceTimersByTime(5000);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe("TimerSet", () => {
  it("clear cancels what has not fired; a long retransmission chain keeps its list short", () => {
    const set = new TimerSet(new TimerQueues(systemClock));
    let n = 0;
    const again = () => {
      n++;
      if (n < 20) set.after(500, again);
    };
    set.after(500, again);
    const late = vi.fn();
    set.after(64 * 500, late);
    vi.advanceTimersByTime(500 * 10);
    expect(n).toBe(10);
    set.clear();
    vi.advanceTimersByTime(64 * 500);
    expect(n).toBe(10);
    expect(late).not.toHaveBeenCalled();
  });
});

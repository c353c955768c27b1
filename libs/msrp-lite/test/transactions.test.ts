import { afterEach, describe, expect, it, vi } from "vitest";
import {
  buildResponse,
  type MsrpRequest,
  MsrpTransactionError,
  parseMsrpMessage,
  type TimerApi,
  type TransactionOutcome,
  TransactionTracker,
} from "../src/index.js";
import { FIG2_SEND } from "../src/testing/index.js";

/** Manual timers: time only moves when the test says so. */
function fakeTimers() {
  let now = 0;
  const pending = new Map<number, { at: number; run: () => void }>();
  let next = 1;
  const timers: TimerApi = {
    setTimeout(run, ms) {
      const id = next++;
      pending.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...pending]) {
      if (t.at <= now) {
        pending.delete(id);
        t.run();
      }
    }
  };
  return { timers, advance, pendingTimers: () => pending.size };
}

const send = parseMsrpMessage(FIG2_SEND) as MsrpRequest;
const settled = async (p: Promise<TransactionOutcome>) => {
  let value: TransactionOutcome | undefined;
  void p.then((v) => {
    value = v;
  });
  await Promise.resolve();
  await Promise.resolve();
  return value;
};

describe("TransactionTracker (RFC 4975 §7.1.1 30 s timer, §10.4)", () => {
  it("resolves with the matching response and clears its timer", async () => {
    const { timers, pendingTimers } = fakeTimers();
    const tracker = new TransactionTracker({ timers });
    const outcome = tracker.track(send);
    expect(tracker.handleResponse(buildResponse(send, 200))).toBe(true);
    expect(await outcome).toMatchObject({ kind: "response", response: { statusCode: 200 } });
    expect(pendingTimers()).toBe(0);
    expect(tracker.pendingCount).toBe(0);
  });

  it("times out after 30 s by default, not before", async () => {
    const { timers, advance } = fakeTimers();
    const tracker = new TransactionTracker({ timers });
    const outcome = tracker.track(send);
    advance(29_999);
    expect(await settled(outcome)).toBeUndefined();
    advance(1);
    expect(await outcome).toEqual({ kind: "timeout" });
    expect(tracker.handleResponse(buildResponse(send, 200))).toBe(false); // late response is ignored
  });

  it("treats a received 408 as a timeout (MSRP-RESP-04)", async () => {
    const tracker = new TransactionTracker({ timers: fakeTimers().timers });
    const outcome = tracker.track(send);
    tracker.handleResponse(buildResponse(send, 408));
    expect(await outcome).toMatchObject({ kind: "timeout", response: { statusCode: 408 } });
  });

  it("expects nothing for Failure-Report: no and for REPORT", async () => {
    const { timers, pendingTimers } = fakeTimers();
    const tracker = new TransactionTracker({ timers });
    expect(await tracker.track({ ...send, failureReport: "no" })).toEqual({ kind: "unacknowledged" });
    expect(await tracker.track({ ...send, method: "REPORT" })).toEqual({ kind: "unacknowledged" });
    expect(pendingTimers()).toBe(0);
  });

  it("with Failure-Report: partial delivers an error response but ends quietly without one", async () => {
    const { timers, advance } = fakeTimers();
    const tracker = new TransactionTracker({ timers });
    const quiet = tracker.track({ ...send, failureReport: "partial" });
    advance(30_000);
    expect(await quiet).toEqual({ kind: "unacknowledged" });
    const failing = tracker.track({ ...send, transactionId: "second01", failureReport: "partial" });
    tracker.handleResponse({ ...buildResponse(send, 413), transactionId: "second01" });
    expect(await failing).toMatchObject({ kind: "response", response: { statusCode: 413 } });
  });

  it("settles everything as closed when the connection fails (MSRP-CONN-05)", async () => {
    const { timers, pendingTimers } = fakeTimers();
    const tracker = new TransactionTracker({ timers });
    const a = tracker.track(send);
    const b = tracker.track({ ...send, transactionId: "other001" });
    tracker.closeAll();
    expect(await Promise.all([a, b])).toEqual([{ kind: "closed" }, { kind: "closed" }]);
    expect(pendingTimers()).toBe(0);
  });

  it("refuses a transaction id that is still pending (MSRP-FMT-01)", () => {
    const tracker = new TransactionTracker({ timers: fakeTimers().timers });
    void tracker.track(send);
    expect(() => tracker.track(send)).toThrowError(MsrpTransactionError);
  });

  it("honours a configured timeout", async () => {
    const { timers, advance } = fakeTimers();
    const outcome = new TransactionTracker({ timers, timeoutMs: 5_000 }).track(send);
    advance(5_000);
    expect(await outcome).toEqual({ kind: "timeout" });
  });
});

describe("TransactionTracker with its default timers under vi.useFakeTimers()", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("times out on the global clock after 30 s", async () => {
    vi.useFakeTimers();
    const tracker = new TransactionTracker();
    const outcome = tracker.track(send);
    vi.advanceTimersByTime(29_999);
    expect(tracker.pendingCount).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await outcome).toEqual({ kind: "timeout" });
    expect(tracker.pendingCount).toBe(0);
  });
});

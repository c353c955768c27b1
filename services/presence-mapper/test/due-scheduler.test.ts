import { createMemoryBus, type KvStore } from "@stox/bus";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DueScheduler } from "../src/store/due-scheduler.js";
import { type DueHint, decodeKvJson, encodeKvJson } from "../src/store/subscription-store.js";
import { eventually, ManualClock } from "./fixtures/manual-clock.js";
import { T0 } from "./fixtures/parties.js";

let due: KvStore;
let clock: ManualClock;
const schedulers: DueScheduler[] = [];
let runs: string[];

function scheduler(owner: string): DueScheduler {
  const s = new DueScheduler({
    due,
    clock,
    owner,
    leaseMs: 10_000,
    onDue: async (key) => {
      runs.push(`${owner}:${key}`);
      // the real onDue commits the record, which rewrites the hint without a lease
      await due.put(key, encodeKvJson({ dueAt: clock.now() + 3600_000, recordRevision: 99 } satisfies DueHint));
    },
    onError: () => {},
  });
  schedulers.push(s);
  return s;
}

beforeEach(async () => {
  due = await createMemoryBus().kv("due-test");
  clock = new ManualClock(T0);
  runs = [];
});

afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.stop();
});

describe("DueScheduler (timers shared by instances)", () => {
  it("PRES-STATE-02 CORE-ARCH-07 exactly one of three instances runs a due timer", async () => {
    await due.put("rec1", encodeKvJson({ dueAt: T0 + 1000, recordRevision: 1 } satisfies DueHint));
    await Promise.all(["a", "b", "c"].map((o) => scheduler(o).start()));
    clock.advance(1000);
    await eventually(() => expect(runs).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toHaveLength(1);
  });

  it("PRES-STATE-02 the timer of an instance that died holding the lease runs elsewhere once the lease ends", async () => {
    // "dead" claimed the record at T0 and never finished.
    await due.put(
      "rec2",
      encodeKvJson({ dueAt: T0, recordRevision: 1, leaseOwner: "dead", leaseUntil: T0 + 10_000 } satisfies DueHint),
    );
    await scheduler("alive").start();
    clock.advance(9_999);
    await new Promise((r) => setTimeout(r, 20));
    expect(runs).toEqual([]);
    clock.advance(1);
    await eventually(() => expect(runs).toEqual(["alive:rec2"]));
    const hint = decodeKvJson<DueHint>((await due.get("rec2")) as NonNullable<Awaited<ReturnType<KvStore["get"]>>>);
    expect(hint.leaseOwner).toBeUndefined();
  });

  it("follows hint updates: a later due time postpones, a deletion cancels", async () => {
    await due.put("rec3", encodeKvJson({ dueAt: T0 + 1000, recordRevision: 1 } satisfies DueHint));
    await due.put("rec4", encodeKvJson({ dueAt: T0 + 1000, recordRevision: 1 } satisfies DueHint));
    await scheduler("x").start();
    await due.put("rec3", encodeKvJson({ dueAt: T0 + 5000, recordRevision: 2 } satisfies DueHint));
    await due.delete("rec4");
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 20));
    expect(runs).toEqual([]);
    clock.advance(4000);
    await eventually(() => expect(runs).toEqual(["x:rec3"]));
  });
});

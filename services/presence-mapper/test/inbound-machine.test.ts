import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  newInboundRecord,
  onContactError,
  onContactPresence,
  onContactSubscribed,
  onContactUnsubscribed,
  onInboundTimer,
  onNewSubscribe,
  onNotifyFailed,
  onSubscribeInDialog,
} from "../src/state/inbound-machine.js";
import { dialogKeyOf, type InboundRecord, inboundDueAt } from "../src/state/inbound-record.js";
import type { Effect, NotifyEffect } from "../src/state/types.js";
import { bobDialog, config, inboundParties, T0 } from "./fixtures/parties.js";

const KEY = dialogKeyOf(bobDialog());
const notifies = (e: readonly Effect[]) => e.filter((x): x is NotifyEffect => x.kind === "notify");
const stanzas = (e: readonly Effect[]) => e.flatMap((x) => (x.kind === "stanza" ? [x.stanza] : []));

function subscribed(expires: number | undefined = 3600): InboundRecord {
  const r = onNewSubscribe(
    newInboundRecord(inboundParties),
    { dialog: bobDialog(), requestedExpires: expires },
    T0,
    config,
  );
  return r.record as InboundRecord;
}

function approved(): InboundRecord {
  return onContactSubscribed(subscribed(), T0, config).record as InboundRecord;
}

describe("S2X requesting (RFC 8048 §5.3.1)", () => {
  it("PRES-S2X-02 PRES-S2X-03 PRES-S2X-04 new SUBSCRIBE: 200, NOTIFY pending without body, then subscribe (bare JIDs, PRES-GEN-05)", () => {
    const r = onNewSubscribe(
      newInboundRecord(inboundParties),
      { dialog: bobDialog(), requestedExpires: 3600 },
      T0,
      config,
    );
    expect(r.answer).toEqual({ status: 200, expiresSeconds: 3600 });
    expect(r.effects[0]).toMatchObject({ kind: "notify", state: "pending", expiresSeconds: 3600 });
    expect((r.effects[0] as NotifyEffect).pidf).toBeUndefined();
    expect(stanzas(r.effects)).toEqual([
      { name: "presence", attrs: { from: "bob@sip.test", to: "alice@xmpp.test", type: "subscribe" }, children: [] },
    ]);
    expect(r.record?.auth).toBe("requested");
  });

  it("PRES-S2X-02 no Expires -> 3600 (RFC 3856 §6.4); longer requests are shortened; too short -> 423", () => {
    const fresh = newInboundRecord(inboundParties);
    expect(onNewSubscribe(fresh, { dialog: bobDialog(), requestedExpires: undefined }, T0, config).answer).toEqual({
      status: 200,
      expiresSeconds: 3600,
    });
    expect(onNewSubscribe(fresh, { dialog: bobDialog(), requestedExpires: 90000 }, T0, config).answer).toEqual({
      status: 200,
      expiresSeconds: 3600,
    });
    expect(onNewSubscribe(fresh, { dialog: bobDialog(), requestedExpires: 10 }, T0, config).answer).toEqual({
      status: 423,
      minExpiresSeconds: 60,
    });
  });

  it("PRES-S2X-03 PRES-SEC-08 a second new dialog within 24 h sends no second subscribe", () => {
    const again = onNewSubscribe(
      subscribed(),
      { dialog: bobDialog("c2"), requestedExpires: 3600 },
      T0 + 60_000,
      config,
    );
    expect(stanzas(again.effects)).toEqual([]);
    expect(notifies(again.effects)).toHaveLength(1);
  });

  it("PRES-S2X-06 PRES-SEC-06 subscribed: NOTIFY active;expires=<remaining> with no body in every dialog", () => {
    const r = onContactSubscribed(subscribed(), T0 + 100_000, config);
    expect(notifies(r.effects)).toEqual([
      expect.objectContaining({
        state: "active",
        expiresSeconds: 3500,
        dialog: expect.objectContaining({ localCseq: 2 }),
      }),
    ]);
    expect(notifies(r.effects)[0]?.pidf).toBeUndefined();
    expect(r.record?.auth).toBe("approved");
  });

  it("PRES-S2X-07 unsubscribed: NOTIFY terminated;reason=rejected, no body, dialog and cache gone", () => {
    const withCache = onContactPresence(approved(), "phone", { isAvailable: true, statuses: [] }, T0 + 10_000, config)
      .record as InboundRecord;
    const r = onContactUnsubscribed(withCache, T0 + 20_000);
    expect(notifies(r.effects)).toEqual([expect.objectContaining({ state: "terminated", reason: "rejected" })]);
    expect(notifies(r.effects)[0]?.pidf).toBeUndefined();
    expect(notifies(r.effects)[0]?.expiresSeconds).toBeUndefined();
    expect(r.record).toMatchObject({ auth: "denied", dialogs: {}, resources: {} });
  });

  it.each([
    ["item-not-found", "noresource", undefined],
    ["gone", "noresource", undefined],
    ["forbidden", "rejected", undefined],
    ["subscription-required", "rejected", undefined],
    ["remote-server-timeout", "probation", 300],
    ["undefined-condition", "probation", 300],
  ])("PRES-S2X-12 presence error %s ends the dialog with reason %s", (condition, reason, retryAfter) => {
    const r = onContactError(subscribed(), condition, T0);
    expect(notifies(r.effects)).toEqual([expect.objectContaining({ state: "terminated", reason })]);
    expect(notifies(r.effects)[0]?.retryAfterSeconds).toBe(retryAfter);
    expect(r.record?.dialogs).toEqual({});
  });
});

describe("S2X refreshing, cancelling, expiry (RFC 8048 §5.3.2-5.3.3)", () => {
  it("PRES-S2X-09 PRES-S2X-08 refresh without cached data: 200 and an empty NOTIFY", () => {
    const r = onSubscribeInDialog(approved(), KEY, 3600, T0 + 1000_000, config);
    expect(r.answer).toEqual({ status: 200, expiresSeconds: 3600 });
    expect(notifies(r.effects)).toEqual([expect.objectContaining({ state: "active", expiresSeconds: 3600 })]);
    expect(notifies(r.effects)[0]?.pidf).toBeUndefined();
    expect(stanzas(r.effects)).toEqual([]);
  });

  it("PRES-S2X-09 refresh with cached data carries it as PIDF", () => {
    const cached = onContactPresence(approved(), "phone", { isAvailable: true, show: "dnd", statuses: [] }, T0, config)
      .record as InboundRecord;
    const r = onSubscribeInDialog(cached, KEY, 3600, T0 + 10_000, config);
    expect(notifies(r.effects)[0]?.pidf?.tuples).toEqual([
      expect.objectContaining({ id: "ID-phone", basic: "open", show: "dnd" }),
    ]);
  });

  it("PRES-S2X-10 PRES-S2X-13 Expires 0 in dialog: 200, closed + terminated;reason=timeout, unavailable, no unsubscribe", () => {
    const cached = onContactPresence(approved(), "phone", { isAvailable: true, statuses: [] }, T0, config)
      .record as InboundRecord;
    const r = onSubscribeInDialog(cached, KEY, 0, T0 + 10_000, config);
    expect(r.answer).toEqual({ status: 200, expiresSeconds: 0 });
    const n = notifies(r.effects)[0];
    expect(n).toMatchObject({ state: "terminated", reason: "timeout" });
    expect(n?.expiresSeconds).toBeUndefined();
    expect(n?.pidf?.tuples.map((t) => t.basic)).toEqual(["closed"]);
    expect(stanzas(r.effects)).toEqual([
      { name: "presence", attrs: { from: "bob@sip.test", to: "alice@xmpp.test", type: "unavailable" }, children: [] },
    ]);
    expect(r.record?.auth).toBe("approved");
    expect(r.record?.dialogs).toEqual({});
  });

  it("PRES-S2X-11 an unrefreshed dialog expires: terminated;reason=timeout, then unavailable", () => {
    const r = onInboundTimer(approved(), T0 + 3600_000, config);
    expect(notifies(r.effects)).toEqual([expect.objectContaining({ state: "terminated", reason: "timeout" })]);
    expect(stanzas(r.effects)[0]?.attrs.type).toBe("unavailable");
    expect(r.record?.dialogs).toEqual({});
    expect(onInboundTimer(approved(), T0 + 3599_000, config).effects).toEqual([]);
  });

  it("PRES-S2X-16 a failed NOTIFY removes the dialog and keeps the authorization", () => {
    const r = onNotifyFailed(approved(), KEY);
    expect(r.record).toMatchObject({ auth: "approved", dialogs: {} });
  });

  it("answers 481 for a refresh of an unknown dialog", () => {
    expect(onSubscribeInDialog(approved(), "nope x", 3600, T0, config).answer).toEqual({ status: 481 });
  });
});

describe("S2X notifications (RFC 8048 §6.2)", () => {
  it("PRES-NTF-01 PRES-STATE-04 presence before approval is cached, not sent", () => {
    const r = onContactPresence(subscribed(), "phone", { isAvailable: true, statuses: [] }, T0, config);
    expect(r.effects).toEqual([]);
    expect(Object.keys(r.record?.resources ?? {})).toEqual(["phone"]);
  });

  it("PRES-NTF-11 PRES-S2X-15 every NOTIFY carries the full state and expires=remaining", () => {
    let rec = approved();
    rec = onContactPresence(rec, "desk", { isAvailable: true, statuses: [] }, T0 + 10_000, config)
      .record as InboundRecord;
    const r = onContactPresence(rec, "phone", { isAvailable: true, show: "away", statuses: [] }, T0 + 20_000, config);
    const n = notifies(r.effects)[0];
    expect(n?.pidf?.tuples.map((t) => t.id)).toEqual(["ID-desk", "ID-phone"]);
    expect(n?.expiresSeconds).toBe(3580);
  });

  it("PRES-NTF-02 PRES-NTF-18 the stanzas' xml:lang becomes the NOTIFY's Content-Language", () => {
    const r = onContactPresence(
      approved(),
      "desk",
      { isAvailable: true, statuses: [{ text: "hi" }], lang: "de" },
      T0 + 10_000,
      config,
    );
    expect(notifies(r.effects)[0]?.contentLanguage).toBe("de");
    const mixed = onContactPresence(
      r.record as InboundRecord,
      "phone",
      { isAvailable: true, statuses: [], lang: "fr" },
      T0 + 20_000,
      config,
    );
    expect(notifies(mixed.effects)[0]?.contentLanguage).toBeUndefined();
  });

  it("PRES-NTF-05 PRES-NTF-11 an unavailable resource stays as a closed tuple", () => {
    let rec = approved();
    rec = onContactPresence(rec, "desk", { isAvailable: true, statuses: [] }, T0 + 10_000, config)
      .record as InboundRecord;
    const r = onContactPresence(rec, "desk", { isAvailable: false, statuses: [] }, T0 + 20_000, config);
    expect(notifies(r.effects)[0]?.pidf?.tuples.map((t) => t.basic)).toEqual(["closed"]);
  });

  it("PRES-NTF-11 bare-JID unavailable closes every known resource instead of adding a bare tuple", () => {
    let rec = approved();
    rec = onContactPresence(rec, "desk", { isAvailable: true, statuses: [] }, T0 + 10_000, config)
      .record as InboundRecord;
    const r = onContactPresence(rec, "", { isAvailable: false, statuses: [] }, T0 + 20_000, config);
    expect(notifies(r.effects)[0]?.pidf?.tuples.map((t) => [t.id, t.basic])).toEqual([["ID-desk", "closed"]]);
    const back = onContactPresence(
      r.record as InboundRecord,
      "desk",
      { isAvailable: true, statuses: [] },
      T0 + 30_000,
      config,
    );
    expect(Object.keys(back.record?.resources ?? {})).toEqual(["desk"]);
  });

  it("PRES-NTF-11 closed resources are dropped at the next refresh while another is open", () => {
    let rec = approved();
    rec = onContactPresence(rec, "desk", { isAvailable: true, statuses: [] }, T0 + 10_000, config)
      .record as InboundRecord;
    rec = onContactPresence(rec, "phone", { isAvailable: false, statuses: [] }, T0 + 20_000, config)
      .record as InboundRecord;
    const r = onSubscribeInDialog(rec, KEY, 3600, T0 + 30_000, config);
    expect(notifies(r.effects)[0]?.pidf?.tuples.map((t) => t.id)).toEqual(["ID-desk"]);
  });

  it("PRES-S2X-14 at most one NOTIFY per 5 s; changes in between are merged into the next one", () => {
    let rec = approved(); // NOTIFY active at T0
    const quick = onContactPresence(rec, "desk", { isAvailable: true, statuses: [] }, T0 + 1000, config);
    expect(quick.effects).toEqual([]);
    rec = quick.record as InboundRecord;
    rec = onContactPresence(rec, "phone", { isAvailable: true, statuses: [] }, T0 + 2000, config)
      .record as InboundRecord;
    expect(inboundDueAt(rec, config.notifyIntervalMs)).toBe(T0 + 5000);
    expect(onInboundTimer(rec, T0 + 4999, config).effects).toEqual([]);
    const later = onInboundTimer(rec, T0 + 5000, config);
    expect(notifies(later.effects)[0]?.pidf?.tuples.map((t) => t.id)).toEqual(["ID-desk", "ID-phone"]);
  });

  it("PRES-SEC-05 a record only ever notifies its own watcher's dialogs", () => {
    const r = onContactPresence(approved(), "desk", { isAvailable: true, statuses: [] }, T0 + 10_000, config);
    expect(notifies(r.effects).map((n) => n.dialog.remoteUri)).toEqual(["sip:bob@sip.test"]);
  });
});

describe("S2X polling (RFC 8048 §7.2)", () => {
  it("PRES-POLL-04 PRES-POLL-05 Expires 0 new dialog with nothing cached: 200, empty terminated NOTIFY, probe", () => {
    const r = onNewSubscribe(
      newInboundRecord(inboundParties),
      { dialog: bobDialog(), requestedExpires: 0 },
      T0,
      config,
    );
    expect(r.answer).toEqual({ status: 200, expiresSeconds: 0 });
    expect(notifies(r.effects)).toEqual([expect.objectContaining({ state: "terminated", reason: "timeout" })]);
    expect(notifies(r.effects)[0]?.pidf).toBeUndefined();
    expect(stanzas(r.effects)).toEqual([
      { name: "presence", attrs: { from: "bob@sip.test", to: "alice@xmpp.test", type: "probe" }, children: [] },
    ]);
    expect(r.record?.dialogs).toEqual({});
  });

  it("PRES-POLL-05 with an approved cache: the NOTIFY carries it and no probe goes out", () => {
    const cached = onContactPresence(approved(), "phone", { isAvailable: true, statuses: [] }, T0, config)
      .record as InboundRecord;
    const r = onNewSubscribe(cached, { dialog: bobDialog("poll"), requestedExpires: 0 }, T0 + 1000, config);
    expect(notifies(r.effects)[0]?.pidf?.tuples[0]?.basic).toBe("open");
    expect(stanzas(r.effects)).toEqual([]);
  });

  it("PRES-POLL-06 with a poll wait: the NOTIFY waits for the probe's answer, or for the wait to end", () => {
    const waitConfig = { ...config, pollWaitMs: 500 };
    const base = onContactSubscribed(newInboundRecord(inboundParties), T0, waitConfig).record as InboundRecord;
    const poll = onNewSubscribe(base, { dialog: bobDialog("w1"), requestedExpires: 0 }, T0, waitConfig);
    expect(notifies(poll.effects)).toEqual([]);
    expect(stanzas(poll.effects)[0]?.attrs.type).toBe("probe");
    expect(inboundDueAt(poll.record as InboundRecord, waitConfig.notifyIntervalMs)).toBe(T0 + 500);
    const answered = onContactPresence(
      poll.record as InboundRecord,
      "phone",
      { isAvailable: true, statuses: [] },
      T0 + 100,
      waitConfig,
    );
    expect(notifies(answered.effects)).toEqual([expect.objectContaining({ state: "terminated", reason: "timeout" })]);
    expect(notifies(answered.effects)[0]?.pidf?.tuples[0]?.basic).toBe("open");
    const timedOut = onInboundTimer(poll.record as InboundRecord, T0 + 500, waitConfig);
    expect(notifies(timedOut.effects)).toEqual([expect.objectContaining({ state: "terminated", reason: "timeout" })]);
    expect(notifies(timedOut.effects)[0]?.pidf).toBeUndefined();
    expect(timedOut.record?.waitingPolls).toBeUndefined();
  });

  it("PRES-POLL-07 PRES-SEC-08 without authorization nothing cached is revealed, and probes are rate-limited", () => {
    const unapproved = onContactPresence(subscribed(), "phone", { isAvailable: true, statuses: [] }, T0, config)
      .record as InboundRecord;
    const first = onNewSubscribe(unapproved, { dialog: bobDialog("p1"), requestedExpires: 0 }, T0, config);
    expect(notifies(first.effects)[0]?.pidf).toBeUndefined();
    const second = onNewSubscribe(
      first.record as InboundRecord,
      { dialog: bobDialog("p2"), requestedExpires: 0 },
      T0 + 1000,
      config,
    );
    expect(stanzas(second.effects)).toEqual([]);
  });
});

describe("S2X properties (fast-check)", () => {
  type Step =
    | { kind: "presence"; resource: string; isAvailable: boolean }
    | { kind: "refresh"; expires: number }
    | { kind: "timer" }
    | { kind: "subscribed" }
    | { kind: "unsubscribed" }
    | { kind: "subscribe"; expires: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      kind: fc.constant("presence" as const),
      resource: fc.constantFrom("a", "b", ""),
      isAvailable: fc.boolean(),
    }),
    fc.record({ kind: fc.constant("refresh" as const), expires: fc.constantFrom(0, 600, 3600) }),
    fc.record({ kind: fc.constant("timer" as const) }),
    fc.record({ kind: fc.constant("subscribed" as const) }),
    fc.record({ kind: fc.constant("unsubscribed" as const) }),
    fc.record({ kind: fc.constant("subscribe" as const), expires: fc.constantFrom(0, 600) }),
  );

  it("PRES-SEC-06 PRES-S2X-15 PRES-POLL-07 never active or presence data before approval; expires only on pending/active", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(step, fc.integer({ min: 0, max: 4000_000 })), { maxLength: 25 }), (steps) => {
        let rec: InboundRecord = newInboundRecord(inboundParties);
        let now = T0;
        let n = 0;
        for (const [s, dt] of steps) {
          now += dt;
          const t =
            s.kind === "presence"
              ? onContactPresence(rec, s.resource, { isAvailable: s.isAvailable, statuses: [] }, now, config)
              : s.kind === "refresh"
                ? onSubscribeInDialog(rec, Object.keys(rec.dialogs)[0] ?? "none", s.expires, now, config)
                : s.kind === "timer"
                  ? onInboundTimer(rec, now, config)
                  : s.kind === "subscribed"
                    ? onContactSubscribed(rec, now, config)
                    : s.kind === "unsubscribed"
                      ? onContactUnsubscribed(rec, now)
                      : onNewSubscribe(rec, { dialog: bobDialog(`c${++n}`), requestedExpires: s.expires }, now, config);
          for (const e of notifies(t.effects)) {
            const isApproved = (t.record ?? rec).auth === "approved";
            if (!isApproved)
              expect(e.state === "active" || (e.pidf?.tuples.some((x) => x.basic === "open") ?? false)).toBe(false);
            expect(e.expiresSeconds !== undefined).toBe(e.state !== "terminated");
          }
          rec = t.record ?? rec;
        }
      }),
    );
  });
});

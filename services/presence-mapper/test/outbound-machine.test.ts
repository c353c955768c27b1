import { describe, expect, it } from "vitest";
import { parsePidf } from "../src/pidf/parse-pidf.js";
import {
  onNotify,
  onOutboundTimer,
  onSubscribeResponse,
  onUserProbe,
  onUserSession,
  onUserSubscribe,
  onUserUnsubscribe,
} from "../src/state/outbound-machine.js";
import { type OutboundRecord, outboundDueAt } from "../src/state/outbound-record.js";
import type { Effect, SubscribeEffect } from "../src/state/types.js";
import { config, counterIds, outboundParties, T0 } from "./fixtures/parties.js";

const subs = (e: readonly Effect[]) => e.filter((x): x is SubscribeEffect => x.kind === "subscribe");
const stanzas = (e: readonly Effect[]) => e.flatMap((x) => (x.kind === "stanza" ? [x.stanza] : []));
const types = (e: readonly Effect[]) =>
  stanzas(e).map((s) => `${s.attrs.type ?? "available"} ${s.attrs.from}->${s.attrs.to}`);

const DESK_OPEN = parsePidf(
  `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:bob@sip.test"><tuple id="ID-desk"><status><basic>open</basic></status><note>at my desk</note></tuple></presence>`,
);
const PHONE_ONLY = parsePidf(
  `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:bob@sip.test"><tuple id="ID-phone"><status><basic>open</basic></status></tuple></presence>`,
);

function requested() {
  const ids = counterIds();
  const r = onUserSubscribe(undefined, outboundParties, ids, T0, config);
  return { ids, record: r.record as OutboundRecord, effects: r.effects };
}

function established(): { ids: ReturnType<typeof counterIds>; record: OutboundRecord } {
  const { ids, record } = requested();
  const callId = record.dialog?.callId as string;
  const ok = onSubscribeResponse(
    record,
    { callId, status: 200, expiresSeconds: 3600, remoteTag: "bob1" },
    ids,
    T0 + 100,
    config,
  );
  const active = onNotify(
    ok.record as OutboundRecord,
    { callId, state: "active", expiresSeconds: 3600, pidf: DESK_OPEN },
    ids,
    T0 + 200,
    config,
  );
  return { ids, record: active.record as OutboundRecord };
}

describe("X2S requesting (RFC 8048 §5.2.1)", () => {
  it("PRES-X2S-01 PRES-GEN-03 subscribe -> SUBSCRIBE in a new dialog, Expires 3600", () => {
    const { effects, record } = requested();
    expect(subs(effects)).toEqual([
      expect.objectContaining({
        isInitial: true,
        expiresSeconds: 3600,
        dialog: expect.objectContaining({
          localUri: "sip:alice@xmpp.test",
          remoteUri: "sip:bob@sip.test",
          localCseq: 1,
        }),
      }),
    ]);
    expect(stanzas(effects)).toEqual([]);
    expect(record.auth).toBe("requested");
  });

  it("PRES-X2S-02 PRES-X2S-03 PRES-X2S-04 2xx and pending NOTIFYs send nothing to XMPP", () => {
    const { ids, record } = requested();
    const callId = record.dialog?.callId as string;
    const ok = onSubscribeResponse(record, { callId, status: 200, expiresSeconds: 3600 }, ids, T0, config);
    expect(ok.effects).toEqual([]);
    const pending = onNotify(
      ok.record as OutboundRecord,
      { callId, state: "pending", expiresSeconds: 3600 },
      ids,
      T0,
      config,
    );
    expect(pending.effects).toEqual([]);
    expect(pending.record?.dialog?.state).toBe("pending");
  });

  it("PRES-X2S-06 PRES-X2S-07 PRES-GEN-05 first active NOTIFY: subscribed (bare JIDs), then presence per tuple", () => {
    const { ids, record } = requested();
    const callId = record.dialog?.callId as string;
    const r = onNotify(record, { callId, state: "active", expiresSeconds: 3600, pidf: DESK_OPEN }, ids, T0, config);
    expect(types(r.effects)).toEqual([
      "subscribed bob@sip.test->alice@xmpp.test",
      "available bob@sip.test/desk->alice@xmpp.test",
    ]);
    expect(r.record?.auth).toBe("approved");
  });

  it("PRES-X2S-07 PRES-NTF-17 a first active NOTIFY without body sends only subscribed; later empty NOTIFYs nothing", () => {
    const { ids, record } = requested();
    const callId = record.dialog?.callId as string;
    const r = onNotify(record, { callId, state: "active", expiresSeconds: 3600 }, ids, T0, config);
    expect(types(r.effects)).toEqual(["subscribed bob@sip.test->alice@xmpp.test"]);
    expect(
      onNotify(r.record as OutboundRecord, { callId, state: "active", expiresSeconds: 3000 }, ids, T0, config).effects,
    ).toEqual([]);
  });

  it("PRES-NTF-15 PRES-NTF-16 PRES-STATE-05 a later full-state NOTIFY: changed tuples sent, vanished tuples unavailable", () => {
    const { ids, record } = established();
    const callId = record.dialog?.callId as string;
    const r = onNotify(
      record,
      { callId, state: "active", expiresSeconds: 3600, pidf: PHONE_ONLY },
      ids,
      T0 + 1000,
      config,
    );
    expect(types(r.effects)).toEqual([
      "available bob@sip.test/phone->alice@xmpp.test",
      "unavailable bob@sip.test/desk->alice@xmpp.test",
    ]);
    const same = onNotify(
      r.record as OutboundRecord,
      { callId, state: "active", expiresSeconds: 3600, pidf: PHONE_ONLY },
      ids,
      T0 + 2000,
      config,
    );
    expect(same.effects).toEqual([]);
  });

  it("PRES-X2S-05 a NOTIFY for another dialog changes nothing (the handler answers 481)", () => {
    const { ids, record } = established();
    expect(onNotify(record, { callId: "other", state: "active" }, ids, T0, config)).toEqual({ record, effects: [] });
  });
});

describe("X2S refresh and SIP failures (RFC 8048 §5.2.2)", () => {
  it("PRES-X2S-08 PRES-X2S-09 refreshes in-dialog at 80 % of the granted Expires, using the NOTIFY's expires", () => {
    const { ids, record } = established();
    expect(outboundDueAt(record, config.transactionTimeoutMs)).toBe(T0 + 200 + 2880_000);
    expect(onOutboundTimer(record, ids, T0 + 2000_000, config).effects).toEqual([]);
    const r = onOutboundTimer(record, ids, T0 + 200 + 2880_000, config);
    expect(subs(r.effects)).toEqual([
      expect.objectContaining({
        isInitial: false,
        expiresSeconds: 3600,
        dialog: expect.objectContaining({ localCseq: 2, callId: record.dialog?.callId, remoteTag: "bob1" }),
      }),
    ]);
  });

  it.each([403, 489, 603])(
    "PRES-X2S-10 %i to a refresh: unavailable for shown resources, then unsubscribed",
    (status) => {
      const { ids, record } = established();
      const refresh = onOutboundTimer(record, ids, T0 + 3000_000, config).record as OutboundRecord;
      const r = onSubscribeResponse(
        refresh,
        { callId: record.dialog?.callId as string, status },
        ids,
        T0 + 3000_100,
        config,
      );
      expect(types(r.effects)).toEqual([
        "unavailable bob@sip.test/desk->alice@xmpp.test",
        "unsubscribed bob@sip.test->alice@xmpp.test",
      ]);
      expect(r.record).toBeUndefined();
    },
  );

  it("PRES-X2S-11 423 retries with Expires >= Min-Expires; 481 starts a new dialog; the authorization stays", () => {
    const { ids, record } = requested();
    const callId = record.dialog?.callId as string;
    const r423 = onSubscribeResponse(record, { callId, status: 423, minExpiresSeconds: 7200 }, ids, T0, config);
    expect(subs(r423.effects)[0]?.expiresSeconds).toBe(7200);
    const { ids: ids2, record: est } = established();
    const r481 = onSubscribeResponse(
      onOutboundTimer(est, ids2, T0 + 3000_000, config).record as OutboundRecord,
      { callId: est.dialog?.callId as string, status: 481 },
      ids2,
      T0 + 3000_000,
      config,
    );
    expect(subs(r481.effects)[0]).toMatchObject({ isInitial: true });
    expect(subs(r481.effects)[0]?.dialog.callId).not.toBe(est.dialog?.callId);
    expect(r481.record?.auth).toBe("approved");
  });

  it("PRES-X2S-12 another error on the initial SUBSCRIBE -> presence error with the CORE table condition", () => {
    const { ids, record } = requested();
    const r = onSubscribeResponse(
      record,
      { callId: record.dialog?.callId as string, status: 404, reason: "Not Found" },
      ids,
      T0,
      config,
    );
    expect(stanzas(r.effects)[0]).toMatchObject({
      attrs: { type: "error", from: "bob@sip.test", to: "alice@xmpp.test" },
    });
    expect(JSON.stringify(stanzas(r.effects)[0])).toContain("item-not-found");
    expect(r.record).toBeUndefined();
  });

  it("PRES-X2S-12 a failed refresh keeps the authorization and retries with backoff (Retry-After obeyed)", () => {
    const { ids, record } = established();
    const refresh = onOutboundTimer(record, ids, T0 + 3000_000, config).record as OutboundRecord;
    const r = onSubscribeResponse(
      refresh,
      { callId: record.dialog?.callId as string, status: 503, retryAfterSeconds: 120 },
      ids,
      T0 + 3000_000,
      config,
    );
    expect(r.effects).toEqual([]);
    expect(r.record).toMatchObject({ auth: "approved", retryAt: T0 + 3000_000 + 120_000 });
    const retry = onOutboundTimer(r.record as OutboundRecord, ids, T0 + 3120_000, config);
    expect(subs(retry.effects)[0]).toMatchObject({ isInitial: true });
  });

  it("PRES-X2S-12 a SUBSCRIBE whose response never came is treated as a timeout after Timer F", () => {
    const { ids, record } = established();
    const refresh = onOutboundTimer(record, ids, T0 + 3000_000, config).record as OutboundRecord;
    expect(outboundDueAt(refresh, config.transactionTimeoutMs)).toBe(T0 + 3000_000 + 32_000);
    const r = onOutboundTimer(refresh, ids, T0 + 3032_000, config);
    expect(r.record?.retryAt).toBeGreaterThan(T0 + 3032_000);
  });
});

describe("X2S presence sessions (PRES-STATE-06)", () => {
  it("PRES-STATE-06 PRES-X2S-08 no refresh while A is offline; the dialog lapses; A's next probe reopens it", () => {
    const { ids, record } = established();
    const offline = onUserSession(record, false, ids, T0 + 1000, config).record as OutboundRecord;
    expect(outboundDueAt(offline, config.transactionTimeoutMs)).toBe(record.dialog?.expiresAt);
    expect(onOutboundTimer(offline, ids, T0 + 2880_200, config).effects).toEqual([]);
    const lapsed = onOutboundTimer(offline, ids, (record.dialog?.expiresAt ?? 0) + 1, config);
    expect(lapsed.effects).toEqual([]);
    expect(lapsed.record).toMatchObject({ auth: "approved" });
    expect(lapsed.record?.dialog).toBeUndefined();
    const back = onUserProbe(lapsed.record, outboundParties, "alice@xmpp.test/phone", ids, T0 + 5000_000, config);
    expect(subs(back.effects)[0]).toMatchObject({ isInitial: true, expiresSeconds: 3600 });
  });

  it("PRES-STATE-06 coming back online (broadcast) with an approval and no dialog opens one", () => {
    const { ids, record } = established();
    const { dialog: _d, ...noDialog } = record;
    const offline = { ...noDialog, isUserOnline: false };
    const r = onUserSession(offline, true, ids, T0, config);
    expect(subs(r.effects)[0]).toMatchObject({ isInitial: true });
    expect(onUserSession(r.record as OutboundRecord, true, ids, T0, config).effects).toEqual([]);
  });
});

describe("X2S cancelling (RFC 8048 §5.2.3)", () => {
  it("PRES-X2S-13 PRES-X2S-14 PRES-X2S-15 unsubscribe: SUBSCRIBE Expires 0 in-dialog, unsubscribed after 2xx, final NOTIFY only answered", () => {
    const { ids, record } = established();
    const r = onUserUnsubscribe(record, T0 + 1000);
    expect(subs(r.effects)).toEqual([expect.objectContaining({ expiresSeconds: 0, isInitial: false })]);
    expect(stanzas(r.effects)).toEqual([]);
    const callId = record.dialog?.callId as string;
    const term = onNotify(
      r.record as OutboundRecord,
      { callId, state: "terminated", reason: "timeout" },
      ids,
      T0 + 1100,
      config,
    );
    expect(term.effects).toEqual([]);
    const ok = onSubscribeResponse(
      term.record as OutboundRecord,
      { callId, status: 200, expiresSeconds: 0 },
      ids,
      T0 + 1200,
      config,
    );
    expect(types(ok.effects)).toEqual(["unsubscribed bob@sip.test->alice@xmpp.test"]);
    expect(ok.record).toBeUndefined();
  });

  it("PRES-X2S-13 without a dialog: nothing on SIP, unsubscribed at once", () => {
    const r = onUserUnsubscribe(requested().record, T0);
    expect(subs(r.effects)).toEqual([]);
    expect(types(r.effects)).toEqual(["unsubscribed bob@sip.test->alice@xmpp.test"]);
  });
});

describe("X2S terminated reasons (presence.md §10)", () => {
  it.each([
    [
      "rejected",
      ["unavailable bob@sip.test/desk->alice@xmpp.test", "unsubscribed bob@sip.test->alice@xmpp.test"],
      false,
      false,
    ],
    [
      "noresource",
      ["unavailable bob@sip.test/desk->alice@xmpp.test", "unsubscribed bob@sip.test->alice@xmpp.test"],
      false,
      false,
    ],
    ["timeout", [], true, true],
    ["deactivated", [], true, true],
    [undefined, [], true, true],
    ["probation", [], false, true],
    ["giveup", [], false, true],
    ["invariant", [], false, true],
  ])("PRES-TERM-01 PRES-TERM-02 reason %s", (reason, expected, resubscribes, keepsRecord) => {
    const { ids, record } = established();
    const r = onNotify(
      record,
      { callId: record.dialog?.callId as string, state: "terminated", ...(reason ? { reason } : {}) },
      ids,
      T0 + 5000,
      config,
    );
    expect(types(r.effects)).toEqual(expected);
    expect(subs(r.effects).length > 0).toBe(resubscribes);
    expect(r.record !== undefined).toBe(keepsRecord);
  });

  it("PRES-TERM-01 probation honours retry-after", () => {
    const { ids, record } = established();
    const r = onNotify(
      record,
      { callId: record.dialog?.callId as string, state: "terminated", reason: "probation", retryAfterSeconds: 60 },
      ids,
      T0,
      config,
    );
    expect(r.record?.retryAt).toBe(T0 + 60_000);
  });
});

describe("X2S polling (RFC 8048 §7.1)", () => {
  it("PRES-POLL-01 PRES-STATE-07 probe with no dialog: SUBSCRIBE Expires 0 in a new dialog; its NOTIFY goes to the probe's from", () => {
    const ids = counterIds();
    const r = onUserProbe(undefined, outboundParties, "alice@xmpp.test/phone", ids, T0, config);
    const sub = subs(r.effects)[0];
    expect(sub).toMatchObject({ expiresSeconds: 0, isInitial: true });
    const n = onNotify(
      r.record as OutboundRecord,
      { callId: sub?.dialog.callId as string, state: "terminated", reason: "timeout", pidf: DESK_OPEN },
      ids,
      T0 + 10,
      config,
    );
    expect(types(n.effects)).toEqual(["available bob@sip.test/desk->alice@xmpp.test/phone"]);
    expect(n.record?.polls).toEqual({});
  });

  it("PRES-POLL-02 probe with an active dialog: answered from the cache, nothing on SIP", () => {
    const { ids, record } = established();
    const r = onUserProbe(record, outboundParties, "alice@xmpp.test/phone", ids, T0, config);
    expect(subs(r.effects)).toEqual([]);
    expect(types(r.effects)).toEqual(["available bob@sip.test/desk->alice@xmpp.test/phone"]);
  });

  it("PRES-POLL-02 PRES-X2S-08 probe with approval but no dialog starts a dialog instead of a poll", () => {
    const { ids, record } = established();
    const ended = onNotify(
      record,
      { callId: record.dialog?.callId as string, state: "terminated", reason: "invariant" },
      ids,
      T0,
      config,
    ).record as OutboundRecord;
    const r = onUserProbe(ended, outboundParties, "alice@xmpp.test/phone", ids, T0, config);
    expect(subs(r.effects)[0]).toMatchObject({ expiresSeconds: 3600, isInitial: true });
  });
});

import { type Bus, createMemoryBus } from "@stox/bus";
import { toKvKey } from "@stox/events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PresenceMapper } from "../src/presence-mapper.js";
import { FakeSipEdge, FakeXmppEdge, headerOf, presence, sipIn, xmppIn } from "./fixtures/fake-edges.js";
import {
  ALICE_SIP,
  BOB,
  s2xPresenceReachesWatcher,
  s2xSubscribeApproveAndNotify,
  x2sSubscribeAndActiveNotify,
  x2sUnsubscribe,
} from "./fixtures/flows.js";
import { eventually, ManualClock } from "./fixtures/manual-clock.js";
import { startMapper } from "./fixtures/mapper-harness.js";
import { T0 } from "./fixtures/parties.js";

let bus: Bus;
let clock: ManualClock;
let sip: FakeSipEdge;
let xmpp: FakeXmppEdge;
let mappers: PresenceMapper[];

beforeEach(async () => {
  bus = createMemoryBus();
  clock = new ManualClock(T0);
  sip = new FakeSipEdge(bus);
  xmpp = new FakeXmppEdge(bus);
  mappers = [await startMapper({ bus, clock, instanceId: "m1", bucketPrefix: "t" })];
});

afterEach(async () => {
  for (const m of mappers) await m.stop();
  sip.stop();
  xmpp.stop();
  await bus.drain();
});

describe("S2X handlers on the in-memory bus (RFC 8048 §5.3)", () => {
  it("PRES-S2X-01 PRES-S2X-02 PRES-S2X-04 PRES-S2X-06 PRES-GEN-01 SUBSCRIBE -> 200, pending NOTIFY, subscribe; subscribed -> active NOTIFY in the dialog", async () => {
    await s2xSubscribeApproveAndNotify({ bus, sip, xmpp }, "call-s2x-1");
    const [pending, active] = sip.of("NOTIFY");
    expect(pending?.callId).toBe("call-s2x-1");
    expect(active?.to).toEqual({ uri: BOB, tag: "b1" });
    expect(headerOf(active ?? {}, "CSeq")).toBe("2 NOTIFY");
  });

  it("PRES-NTF-10 PRES-GEN-03 XMPP presence -> PIDF NOTIFY to the watcher's Contact", async () => {
    await s2xSubscribeApproveAndNotify({ bus, sip, xmpp }, "call-s2x-2");
    await s2xPresenceReachesWatcher({ bus, sip, xmpp }, (ms) => clock.advance(ms));
  });

  it("PRES-S2X-10 SUBSCRIBE Expires 0 in the dialog -> terminated NOTIFY and unavailable", async () => {
    const tag = await s2xSubscribeApproveAndNotify({ bus, sip, xmpp }, "call-s2x-3");
    const res = await sipIn(bus, {
      method: "SUBSCRIBE",
      from: { uri: BOB, tag: "b1" },
      to: { uri: ALICE_SIP, tag },
      callId: "call-s2x-3",
      cseq: 2,
      headers: [
        ["Event", "presence"],
        ["Expires", "0"],
      ],
    });
    expect(res).toMatchObject({ status: 200 });
    await eventually(() => {
      expect(headerOf(sip.of("NOTIFY").at(-1) ?? {}, "Subscription-State")).toBe("terminated;reason=timeout");
      expect(xmpp.summary()).toContain("unavailable bob@sip.test->alice@xmpp.test");
    });
  });

  it("PRES-S2X-11 an unrefreshed dialog expires on the timer: terminated;reason=timeout", async () => {
    await s2xSubscribeApproveAndNotify({ bus, sip, xmpp }, "call-s2x-4");
    clock.advance(3600_000);
    await eventually(() =>
      expect(headerOf(sip.of("NOTIFY").at(-1) ?? {}, "Subscription-State")).toBe("terminated;reason=timeout"),
    );
  });

  it("PRES-POLL-04 PRES-POLL-05 a poll (Expires 0, new dialog) -> 200, terminated NOTIFY, probe", async () => {
    const res = await sipIn(bus, {
      method: "SUBSCRIBE",
      from: { uri: BOB, tag: "p" },
      to: { uri: ALICE_SIP },
      callId: "poll-1",
      cseq: 1,
      headers: [
        ["Event", "presence"],
        ["Expires", "0"],
      ],
    });
    expect(res).toMatchObject({ status: 200 });
    await eventually(() => {
      expect(headerOf(sip.of("NOTIFY")[0] ?? {}, "Subscription-State")).toBe("terminated;reason=timeout");
      expect(xmpp.summary()).toEqual(["probe bob@sip.test->alice@xmpp.test"]);
    });
  });

  it("PRES-S2X-01 CORE-SEC-02 a sips: target is refused (416 for the Request-URI) and nothing reaches XMPP", async () => {
    const r = await sipIn(bus, {
      method: "SUBSCRIBE",
      from: { uri: BOB, tag: "s" },
      to: { uri: "sips:alice@xmpp.test" },
      callId: "sips-1",
      cseq: 1,
      headers: [["Event", "presence"]],
    });
    expect(r).toMatchObject({ ok: true, status: 416 });
    expect(xmpp.sent).toEqual([]);
  });

  it("PRES-GEN-04 PUBLISH is refused as not implemented: the gateway is not a presence server", async () => {
    const r = await sipIn(bus, {
      method: "PUBLISH",
      from: { uri: BOB, tag: "p" },
      to: { uri: BOB },
      callId: "pub-1",
      cseq: 1,
      headers: [["Event", "presence"]],
    });
    expect(r).toMatchObject({ ok: false, error: { code: "not-implemented" } });
  });

  it("PRES-S2X-01 answers 489 for another Event, 481 for an unknown dialog, not-acceptable without PIDF in Accept", async () => {
    const base = {
      method: "SUBSCRIBE" as const,
      from: { uri: BOB, tag: "x" },
      to: { uri: ALICE_SIP },
      callId: "bad-1",
      cseq: 1,
    };
    expect(await sipIn(bus, { ...base, headers: [["Event", "dialog"]] })).toMatchObject({ status: 489 });
    expect(
      await sipIn(bus, { ...base, to: { uri: ALICE_SIP, tag: "nope" }, headers: [["Event", "presence"]] }),
    ).toMatchObject({ status: 481 });
    expect(
      await sipIn(bus, {
        ...base,
        headers: [
          ["Event", "presence"],
          ["Accept", "application/cpim-pidf+xml"],
        ],
      }),
    ).toMatchObject({ ok: false, error: { code: "not-acceptable" } });
  });
});

describe("with the sip-edge's dialog ids", () => {
  it("PRES-GEN-01 uses the edge's To-tag and dialog id, so refreshes and NOTIFYs stay in the edge's dialog", async () => {
    const dialogId = toKvKey("edge-call", "edge-tag", "b1");
    const base = {
      method: "SUBSCRIBE" as const,
      from: { uri: BOB, tag: "b1" },
      callId: "edge-call",
      headers: [
        ["Event", "presence"],
        ["Expires", "600"],
      ] as [string, string][],
    };
    expect(await sipIn(bus, { ...base, to: { uri: ALICE_SIP }, cseq: 1, dialogId })).toMatchObject({ status: 200 });
    await eventually(() => expect(sip.of("NOTIFY")[0]).toMatchObject({ dialogId, from: { tag: "edge-tag" } }));
    expect(await sipIn(bus, { ...base, to: { uri: ALICE_SIP, tag: "edge-tag" }, cseq: 2, dialogId })).toMatchObject({
      status: 200,
    });
    await eventually(() => expect(sip.of("NOTIFY")).toHaveLength(2));
  });

  it("PRES-S2X-10 resends the final NOTIFY from its own dialog data when the edge no longer knows the dialog", async () => {
    const dialogId = toKvKey("gone-call", "edge-tag", "b1");
    const base = {
      method: "SUBSCRIBE" as const,
      from: { uri: BOB, tag: "b1" },
      callId: "gone-call",
      headers: [["Event", "presence"]] as [string, string][],
    };
    await sipIn(bus, { ...base, to: { uri: ALICE_SIP }, cseq: 1, dialogId });
    sip.failDialogs = true;
    await sipIn(bus, {
      ...base,
      to: { uri: ALICE_SIP, tag: "edge-tag" },
      cseq: 2,
      dialogId,
      headers: [
        ["Event", "presence"],
        ["Expires", "0"],
      ],
    });
    await eventually(() => {
      const last = sip.of("NOTIFY").at(-1);
      expect(last?.dialogId).toBeUndefined();
      expect(last).toMatchObject({ callId: "gone-call", from: { tag: "edge-tag" }, to: { tag: "b1" } });
      expect(headerOf(last ?? {}, "Subscription-State")).toBe("terminated;reason=timeout");
    });
  });
});

describe("X2S handlers on the in-memory bus (RFC 8048 §5.2)", () => {
  it("PRES-X2S-01 PRES-X2S-06 PRES-X2S-07 subscribe -> SUBSCRIBE; active NOTIFY -> subscribed and presence", async () => {
    await x2sSubscribeAndActiveNotify({ bus, sip, xmpp });
  });

  it("PRES-X2S-13 PRES-X2S-14 PRES-X2S-15 unsubscribe -> SUBSCRIBE Expires 0 in the dialog, then unsubscribed", async () => {
    const d = await x2sSubscribeAndActiveNotify({ bus, sip, xmpp });
    await x2sUnsubscribe({ bus, sip, xmpp }, d);
  });

  it("PRES-X2S-08 the timer refreshes the dialog at 80 % of Expires, in-dialog", async () => {
    const d = await x2sSubscribeAndActiveNotify({ bus, sip, xmpp });
    clock.advance(2880_000);
    await eventually(() => {
      const refresh = sip.of("SUBSCRIBE")[1];
      expect(refresh).toMatchObject({ callId: d.callId, to: { tag: "bob-tag" } });
      expect(headerOf(refresh ?? {}, "CSeq")).toBe("2 SUBSCRIBE");
    });
  });

  it("PRES-X2S-05 PRES-SEC-07 a NOTIFY for no known dialog gets 481; a broken PIDF is refused", async () => {
    const n = {
      method: "NOTIFY" as const,
      from: { uri: BOB, tag: "z" },
      to: { uri: ALICE_SIP, tag: "unknown" },
      callId: "nope",
      cseq: 1,
    };
    expect(
      await sipIn(bus, {
        ...n,
        headers: [
          ["Event", "presence"],
          ["Subscription-State", "active;expires=60"],
        ],
      }),
    ).toMatchObject({ status: 481 });
    const d = await x2sSubscribeAndActiveNotify({ bus, sip, xmpp });
    const bad = await sipIn(bus, {
      ...n,
      to: { uri: ALICE_SIP, tag: d.localTag },
      callId: d.callId,
      headers: [
        ["Event", "presence"],
        ["Subscription-State", "active;expires=60"],
      ],
      body: `<!DOCTYPE x [<!ENTITY e "e">]><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:b@s">&e;</presence>`,
    });
    expect(bad).toMatchObject({ ok: false, error: { code: "bad-request" } });
  });

  it("PRES-X2S-10 a 403 to the refresh ends the authorization: unavailable then unsubscribed", async () => {
    await x2sSubscribeAndActiveNotify({ bus, sip, xmpp });
    sip.answer = () => ({ status: 403 });
    clock.advance(2880_000);
    await eventually(() =>
      expect(xmpp.summary().slice(-2)).toEqual([
        "unavailable bob@sip.test/desk->alice@xmpp.test",
        "unsubscribed bob@sip.test->alice@xmpp.test",
      ]),
    );
  });
});

describe("isolation and privacy", () => {
  it("CORE-ARCH-02 a SUBSCRIBE from a SIP user outside the home SIP domains is refused (forbidden)", async () => {
    const r = await sipIn(bus, {
      method: "SUBSCRIBE",
      from: { uri: "sip:mallory@evil.test", tag: "m" },
      to: { uri: ALICE_SIP },
      callId: "evil",
      cseq: 1,
      headers: [["Event", "presence"]],
    });
    expect(r).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(xmpp.sent).toEqual([]);
  });

  it("PRES-SEC-01 PRES-SEC-02 CORE-SEC-07 X2S access is restricted: a user of another XMPP domain is refused (forbidden)", async () => {
    const r = await xmppIn(bus, presence({ from: "eve@elsewhere.test", to: "bob@sip.test", type: "subscribe" }));
    expect(r).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(sip.sent).toEqual([]);
  });

  it("PRES-X2S-16 PRES-S2X-13 ending alice's outbound authorization leaves bob's inbound dialog working", async () => {
    await s2xSubscribeApproveAndNotify({ bus, sip, xmpp }, "call-iso");
    const d = await x2sSubscribeAndActiveNotify({ bus, sip, xmpp });
    await x2sUnsubscribe({ bus, sip, xmpp }, d);
    clock.advance(6000);
    expect(await xmppIn(bus, presence({ from: "alice@xmpp.test/desk", to: "bob@sip.test" }))).toMatchObject({
      ok: true,
    });
    await eventually(() =>
      expect(sip.of("NOTIFY").some((n) => n.callId === "call-iso" && n.body?.includes("ID-desk"))).toBe(true),
    );
  });

  it("PRES-NTF-20 the presence id attribute is not mapped (no CSeq or PIDF field comes from it)", async () => {
    await s2xSubscribeApproveAndNotify({ bus, sip, xmpp }, "call-id");
    clock.advance(6000);
    expect(
      await xmppIn(bus, presence({ from: "alice@xmpp.test/desk", to: "bob@sip.test", id: "pres-4711" })),
    ).toMatchObject({ ok: true });
    const n = await eventually(() => {
      const found = sip.of("NOTIFY").find((c) => c.body);
      expect(found).toBeDefined();
      return found as NonNullable<typeof found>;
    });
    expect(JSON.stringify(n)).not.toContain("4711");
    expect(headerOf(n, "CSeq")).toBe("3 NOTIFY");
  });

  it("PRES-GEN-02 PRES-GEN-04 only Event: presence is used; rich presence in PIDF is not forwarded", async () => {
    await x2sSubscribeAndActiveNotify({ bus, sip, xmpp });
    expect(sip.of("SUBSCRIBE").every((s) => headerOf(s, "Event") === "presence")).toBe(true);
    expect(JSON.stringify(xmpp.sent)).not.toContain("rpid");
  });
});

describe("several instances", () => {
  it("PRES-STATE-02 CORE-ARCH-07 exactly one of two instances refreshes a subscription (lease by CAS)", async () => {
    mappers.push(await startMapper({ bus, clock, instanceId: "m2", bucketPrefix: "t" }));
    await x2sSubscribeAndActiveNotify({ bus, sip, xmpp });
    clock.advance(2880_000);
    await eventually(() => expect(sip.of("SUBSCRIBE")).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 100));
    expect(sip.of("SUBSCRIBE")).toHaveLength(2);
  });

  it("PRES-STATE-01 PRES-STATE-03 a second instance carries on after the first stops", async () => {
    const tag = await s2xSubscribeApproveAndNotify({ bus, sip, xmpp }, "call-handover");
    const m2 = await startMapper({ bus, clock, instanceId: "m2", bucketPrefix: "t" });
    await mappers[0]?.stop();
    mappers = [m2];
    expect(await xmppIn(bus, presence({ from: "alice@xmpp.test/desk", to: "bob@sip.test" }))).toMatchObject({
      ok: true,
    });
    clock.advance(6000);
    await eventually(() => expect(sip.of("NOTIFY").some((c) => c.body?.includes("ID-desk"))).toBe(true));
    const refresh = await sipIn(bus, {
      method: "SUBSCRIBE",
      from: { uri: BOB, tag: "b1" },
      to: { uri: ALICE_SIP, tag },
      callId: "call-handover",
      cseq: 2,
      headers: [
        ["Event", "presence"],
        ["Expires", "600"],
      ],
    });
    expect(refresh).toMatchObject({ status: 200 });
  });
});

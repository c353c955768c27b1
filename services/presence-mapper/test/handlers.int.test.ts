import { randomBytes } from "node:crypto";
import { type Bus, connectNatsBus } from "@stox/bus";
import { sipInSubject, xmppInSubject } from "@stox/events";
import { type NatsHandle, startNats } from "@stox/test-harness";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
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
import { mapperConfig, startMapper } from "./fixtures/mapper-harness.js";
import { T0 } from "./fixtures/parties.js";

// A private server: the shared one carries other packages' tests, whose fake edges sit in the same queue
// groups ("sip-edge", "xmpp-edge") and would take our requests.
let nats: NatsHandle;
let url: string;
beforeAll(async () => {
  nats = await startNats({ isPrivate: true });
  url = nats.url;
});
afterAll(async () => {
  await nats.stop();
});

let edgeBus: Bus;
let mapperBuses: Bus[];
let mappers: PresenceMapper[];
let clock: ManualClock;
let sip: FakeSipEdge;
let xmpp: FakeXmppEdge;
let prefix: string;

async function instance(id: string): Promise<{ bus: Bus; mapper: PresenceMapper }> {
  const bus = await connectNatsBus({ url, name: `presence-mapper-${id}` });
  const mapper = await startMapper({ bus, clock, instanceId: id, bucketPrefix: prefix });
  mapperBuses.push(bus);
  mappers.push(mapper);
  // Subscriptions made on the mapper's connection reach the server asynchronously: wait until each subject
  // answers (an empty payload is refused as bad-request, which is all we need to know).
  for (const subject of [sipInSubject("subscribe"), sipInSubject("notify"), xmppInSubject("presence")]) {
    await eventually(() => edgeBus.request(subject, new Uint8Array(), { timeoutMs: 1000 }));
  }
  return { bus, mapper };
}

beforeEach(async () => {
  prefix = `pm-${randomBytes(4).toString("hex")}`;
  clock = new ManualClock(T0);
  mapperBuses = [];
  mappers = [];
  edgeBus = await connectNatsBus({ url, name: "presence-mapper-test-edges" });
  sip = new FakeSipEdge(edgeBus);
  xmpp = new FakeXmppEdge(edgeBus);
});

afterEach(async () => {
  for (const m of mappers) await m.stop();
  const cfg = mapperConfig({ instanceId: "x", bucketPrefix: prefix });
  for (const b of [cfg.recordsBucket, cfg.dialogsBucket, cfg.dueBucket]) await (await edgeBus.kv(b)).destroy();
  sip.stop();
  xmpp.stop();
  await Promise.allSettled(mapperBuses.map((b) => b.drain()));
  await edgeBus.drain();
});

describe("presence-mapper over real NATS (JetStream KV)", () => {
  it("PRES-S2X-04 PRES-S2X-06 PRES-NTF-10 S2X: SUBSCRIBE, approval and a PIDF NOTIFY", async () => {
    await instance("a");
    const e = { bus: edgeBus, sip, xmpp };
    await s2xSubscribeApproveAndNotify(e, `s2x-${prefix}`);
    await s2xPresenceReachesWatcher(e, (ms) => clock.advance(ms));
  });

  it("PRES-X2S-06 PRES-X2S-14 X2S: subscribe, active NOTIFY, unsubscribe", async () => {
    await instance("a");
    const e = { bus: edgeBus, sip, xmpp };
    const d = await x2sSubscribeAndActiveNotify(e);
    await x2sUnsubscribe(e, d);
  });

  it("PRES-STATE-01 PRES-STATE-02 PRES-STATE-03 CORE-ARCH-07 a mapper restart mid-subscription keeps both directions alive", async () => {
    const first = await instance("first");
    const e = { bus: edgeBus, sip, xmpp };
    const toTag = await s2xSubscribeApproveAndNotify(e, `restart-${prefix}`);
    const out = await x2sSubscribeAndActiveNotify(e);
    // The first instance goes away (its connection closes); a new one with another id starts later.
    await first.mapper.stop();
    await first.bus.drain();
    await instance("second");
    // S2X: XMPP presence still reaches the SIP watcher in its dialog, and the watcher can refresh.
    clock.advance(6000);
    expect(await xmppIn(edgeBus, presence({ from: "alice@xmpp.test/laptop", to: "bob@sip.test" }))).toMatchObject({
      ok: true,
    });
    await eventually(() =>
      expect(sip.of("NOTIFY").some((n) => n.callId === `restart-${prefix}` && n.body?.includes("ID-laptop"))).toBe(
        true,
      ),
    );
    const refresh = await sipIn(edgeBus, {
      method: "SUBSCRIBE",
      from: { uri: BOB, tag: "b1" },
      to: { uri: ALICE_SIP, tag: toTag },
      callId: `restart-${prefix}`,
      cseq: 2,
      headers: [
        ["Event", "presence"],
        ["Expires", "3600"],
      ],
    });
    expect(refresh).toMatchObject({ status: 200 });
    // X2S: the new instance refreshes the outbound dialog when 80 % of it has passed.
    clock.advance(2880_000);
    await eventually(() => {
      const again = sip.of("SUBSCRIBE").filter((s) => s.callId === out.callId);
      expect(again.length).toBeGreaterThanOrEqual(2);
      expect(headerOf(again.at(-1) ?? {}, "Expires")).toBe("3600");
    });
    // and a NOTIFY in that dialog is still understood
    const n = await sipIn(edgeBus, {
      method: "NOTIFY",
      from: { uri: BOB, tag: "bob-tag" },
      to: { uri: ALICE_SIP, tag: out.localTag },
      callId: out.callId,
      cseq: 3,
      headers: [
        ["Event", "presence"],
        ["Subscription-State", "active;expires=3600"],
      ],
      body: `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:bob@sip.test"><tuple id="ID-desk"><status><basic>closed</basic></status></tuple></presence>`,
    });
    expect(n).toMatchObject({ status: 200 });
    await eventually(() => expect(xmpp.summary()).toContain("unavailable bob@sip.test/desk->alice@xmpp.test"));
  });

  it("PRES-STATE-02 two instances on NATS: exactly one refreshes each subscription", async () => {
    await instance("one");
    await instance("two");
    const e = { bus: edgeBus, sip, xmpp };
    const d = await x2sSubscribeAndActiveNotify(e);
    clock.advance(2880_000);
    await eventually(() => expect(sip.of("SUBSCRIBE").filter((s) => s.callId === d.callId)).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 300));
    expect(sip.of("SUBSCRIBE").filter((s) => s.callId === d.callId)).toHaveLength(2);
  });
});

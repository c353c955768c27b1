// presence-mapper: NOTIFY -> XMPP presence translations per second, and memory per active subscription
// with 100,000 subscriptions held in the mapper's state structures.
import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";
import { createMemoryBus } from "@stox/bus";
import {
  newEventId,
  nowIso,
  SIP_OUT_REQUEST,
  type SipRequestReceived,
  sipInSubject,
  sipRequestCommandCodec,
  sipRequestReceivedCodec,
  sipResponseReceivedCodec,
  xmppInSubject,
  xmppOutSubject,
  xmppSendResultCodec,
  xmppStanzaReceivedCodec,
} from "@stox/events";
import { createLogger, createMetrics } from "@stox/telemetry";
import type { BenchTable } from "../../../bench/table.ts";
import { loadConfig } from "../src/config.ts";
import { parsePidf } from "../src/pidf/parse-pidf.ts";
import { startPresenceMapper } from "../src/presence-mapper.ts";
import { newInboundRecord, onNewSubscribe } from "../src/state/inbound-machine.ts";
import type { InboundRecord } from "../src/state/inbound-record.ts";
import { diffTuples } from "../src/state/outbound-machine.ts";
import { DEFAULT_MACHINE_CONFIG } from "../src/state/types.ts";
import { DueScheduler } from "../src/store/due-scheduler.ts";
import { inboundKey, SubscriptionStore } from "../src/store/subscription-store.ts";

const RFC3863 = `<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:im="urn:ietf:params:xml:ns:pidf:im" entity="pres:someone@example.com">
  <tuple id="bs35r9"><status><basic>open</basic><im:im>busy</im:im></status>
    <contact priority="0.8">im:someone@mobilecarrier.net</contact>
    <note xml:lang="en">Don't Disturb Please!</note><note xml:lang="fr">Ne derangez pas, s'il vous plait</note>
    <timestamp>2001-10-27T16:49:29Z</timestamp></tuple>
  <tuple id="eg92n8"><status><basic>open</basic></status><contact priority="1.0">mailto:someone@example.com</contact></tuple>
  <note>I'll be in Tokyo next week</note>
</presence>`;
const ONE_TUPLE = `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:bob@sip.test"><tuple id="ID-desk"><status><basic>open</basic><show xmlns="jabber:client">dnd</show></status><contact priority="0.5">sip:bob@sip.test;gr=desk</contact><note>busy</note></tuple></presence>`;

const SUBSCRIPTIONS = 100_000;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external; // KV values are Uint8Arrays: their bytes live outside the JS heap
}

/** What the NOTIFY handler does per request once the record is loaded: parse, map, build stanzas. */
function translationsPerSecond(body: string, seconds: number): number {
  const record = { contactJid: "bob@sip.test", tuples: {} };
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) {
      const pidf = parsePidf(body);
      diffTuples(record, "alice@xmpp.test", { pidf }, true);
    }
    n += 100;
  }
  return n / seconds;
}

/**
 * The whole NOTIFY path inside one mapper on the in-memory bus: decode, dialog lookup, KV CAS, PIDF parse,
 * diff, reply, and the presence stanza request to a stub xmpp-edge. NOTIFYs go out one at a time.
 */
async function handlerPathPerSecond(count: number): Promise<number> {
  const bus = createMemoryBus();
  bus.subscribe(SIP_OUT_REQUEST, (m) => {
    const cmd = sipRequestCommandCodec.decode(m.data);
    const headers: [string, string][] = [
      ["Expires", "3600"],
      ["To", `<${cmd.to.uri}>;tag=bob`],
    ];
    bus.respond(
      m,
      sipResponseReceivedCodec.encode({
        v: 1,
        id: newEventId(),
        at: nowIso(),
        ok: true,
        status: 200,
        reason: "OK",
        headers,
      }),
    );
  });
  let stanzas = 0;
  bus.subscribe(xmppOutSubject("presence"), (m) => {
    stanzas++;
    bus.respond(m, xmppSendResultCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true }));
  });
  let subscribe: { callId: string; tag: string } | undefined;
  bus.subscribe(SIP_OUT_REQUEST, (m) => {
    const cmd = sipRequestCommandCodec.decode(m.data);
    if (cmd.method === "SUBSCRIBE") subscribe = { callId: cmd.callId as string, tag: cmd.from.tag as string };
  });
  const mapper = await startPresenceMapper({
    bus,
    logger: createLogger({ service: "presence-mapper", level: "silent" }),
    metrics: createMetrics({ service: "presence-mapper" }),
    config: loadConfig({ PRESENCE_MAPPER_INSTANCE_ID: "bench" }),
  });
  const stanza = {
    name: "presence",
    attrs: { from: "alice@xmpp.test", to: "bob@sip.test", type: "subscribe" },
    children: [],
  };
  await bus.request(
    xmppInSubject("presence"),
    xmppStanzaReceivedCodec.encode({ v: 1, id: newEventId(), at: nowIso(), stanza, stream: { mode: "component" } }),
    { timeoutMs: 5000 },
  );
  while (!subscribe) await new Promise((r) => setTimeout(r, 5));
  const notify = (i: number): SipRequestReceived => ({
    v: 1,
    id: newEventId(),
    at: nowIso(),
    method: "NOTIFY",
    requestUri: "sip:alice@xmpp.test",
    from: { uri: "sip:bob@sip.test", tag: "bob" },
    to: { uri: "sip:alice@xmpp.test", tag: subscribe?.tag as string },
    callId: subscribe?.callId as string,
    cseq: i + 1,
    headers: [
      ["Event", "presence"],
      ["Subscription-State", "active;expires=3600"],
    ],
    transport: {
      protocol: "udp",
      remote: { address: "127.0.0.1", port: 5070 },
      local: { address: "127.0.0.1", port: 5060 },
    },
    contentType: "application/pidf+xml",
    body: ONE_TUPLE.replace("<basic>open</basic>", i % 2 === 0 ? "<basic>open</basic>" : "<basic>closed</basic>"),
  });
  for (let i = 0; i < 200; i++)
    await bus.request(sipInSubject("notify"), sipRequestReceivedCodec.encode(notify(i)), { timeoutMs: 5000 }); // warm-up
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    await bus.request(sipInSubject("notify"), sipRequestReceivedCodec.encode(notify(i)), { timeoutMs: 5000 });
  }
  const seconds = (performance.now() - start) / 1000;
  await mapper.stop();
  await bus.drain();
  if (stanzas < count) throw new Error(`only ${stanzas} stanzas for ${count} NOTIFYs`);
  return count / seconds;
}

function subscriptionRecord(i: number): InboundRecord {
  const parties = {
    watcherUri: `sip:w${i}@sip.test`,
    watcherJid: `w${i}@sip.test`,
    contactJid: `c${i}@xmpp.test`,
    contactUri: `sip:c${i}@xmpp.test`,
  };
  const dialog = {
    callId: `call-${i}-0123456789abcdef`,
    localTag: `tag${i}abcdef`,
    remoteTag: `rt${i}`,
    localUri: parties.contactUri,
    remoteUri: parties.watcherUri,
    remoteTarget: `sip:w${i}@192.0.2.1:5060`,
    routeSet: [],
    localCseq: 0,
  };
  const t = onNewSubscribe(
    newInboundRecord(parties),
    { dialog, requestedExpires: 3600 },
    Date.now(),
    DEFAULT_MACHINE_CONFIG,
  );
  return {
    ...(t.record as InboundRecord),
    auth: "approved",
    resources: { phone: { isAvailable: true, show: "away", statuses: [{ text: "out" }], priority: 1 } },
  };
}

async function memoryPerSubscription(): Promise<{ objects: number; kv: number; scheduler: number; jsonBytes: number }> {
  // 1. The decoded records as a handler holds them.
  const before = heapAfterGc();
  const held = new Map<string, InboundRecord>();
  for (let i = 0; i < SUBSCRIPTIONS; i++) held.set(`k${i}`, subscriptionRecord(i));
  const objects = (heapAfterGc() - before) / SUBSCRIPTIONS;
  const jsonBytes = JSON.stringify(held.get("k1")).length;
  held.clear();

  // 2. The KV buckets (in-memory implementation standing in for JetStream) + the due scheduler of one instance.
  const bus = createMemoryBus();
  const config = DEFAULT_MACHINE_CONFIG;
  const [records, dialogs, due] = await Promise.all([
    bus.kv("bench-records"),
    bus.kv("bench-dialogs"),
    bus.kv("bench-due"),
  ]);
  const store = new SubscriptionStore({ records, dialogs, due, config });
  const base = heapAfterGc();
  for (let i = 0; i < SUBSCRIPTIONS; i++) {
    const r = subscriptionRecord(i);
    await store.mutate<InboundRecord>(inboundKey(r.watcherUri, r.contactJid), () => ({ record: r, effects: [] }));
  }
  const kv = (heapAfterGc() - base) / SUBSCRIPTIONS;
  const clock = {
    now: () => Date.now(),
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
  };
  const beforeScheduler = heapAfterGc();
  const scheduler = new DueScheduler({
    due,
    clock,
    owner: "bench",
    leaseMs: 30_000,
    onDue: async () => {},
    onError: () => {},
  });
  await scheduler.start();
  const tracked = scheduler.size;
  const scheduled = (heapAfterGc() - beforeScheduler) / SUBSCRIPTIONS;
  await scheduler.stop();
  await bus.drain();
  if (tracked !== SUBSCRIPTIONS) throw new Error(`scheduler tracks ${tracked}, expected ${SUBSCRIPTIONS}`);
  return { objects, kv, scheduler: scheduled, jsonBytes };
}

export async function run(): Promise<BenchTable[]> {
  translationsPerSecond(ONE_TUPLE, 0.5); // warm-up
  const one = translationsPerSecond(ONE_TUPLE, 2);
  const two = translationsPerSecond(RFC3863, 2);
  const handler = await handlerPathPerSecond(3000);
  const mem = await memoryPerSubscription();
  return [
    {
      title: "presence-mapper: NOTIFY -> XMPP presence translation (one core)",
      columns: ["PIDF body", "translations/s", "µs each"],
      rows: [
        ["1 tuple (show, priority, note)", one, 1e6 / one],
        ["RFC 3863 §5 example (2 tuples, 3 notes)", two, 1e6 / two],
        ["full handler path, in-memory bus and KV (1 tuple, open/closed alternating)", handler, 1e6 / handler],
      ],
      notes: [
        "Rows 1-2 per NOTIFY: saxes parse with DTD refusal, PIDF -> presence per tuple, stanza trees; no bus or KV I/O.",
        "Row 3: NOTIFY event in -> dialog index + record CAS in KV -> 200 reply -> presence stanza to a stub edge, sequential.",
      ],
    },
    {
      title: `presence-mapper: memory per active subscription (${SUBSCRIPTIONS.toLocaleString("en-US")} held)`,
      columns: ["state structure", "bytes/subscription"],
      rows: [
        ["decoded record objects (1 dialog, 1 cached resource)", mem.objects],
        ["record JSON as stored in KV", mem.jsonBytes],
        ["in-memory KV: records + dialog index + due hints", mem.kv],
        ["per-instance due scheduler (watch map + heap)", mem.scheduler],
      ],
      notes: [
        "heapUsed + external after two full GCs (v8.setFlagsFromString('--expose-gc') + vm.runInNewContext('gc')), delta / count.",
        "With NATS, the KV rows live in JetStream; each mapper instance holds only the scheduler row.",
      ],
    },
  ];
}

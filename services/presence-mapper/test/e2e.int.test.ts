// End to end: Prosody 0.12 + @xmpp/client (alice@localhost), the SIP test UA as bob@sip.localhost and as
// the SIP proxy in front of him, the real sip-edge and xmpp-edge, and the presence-mapper in a host of its
// own (so it can be restarted mid-subscription), all over a private NATS server.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sipInSubject, xmppInSubject } from "@stox/events";
import { sipEdgeService } from "@stox/sip-edge";
import {
  createRequest,
  createResponse,
  type SipRequest,
  type SipResponse,
  serializeSipMessage,
} from "@stox/sip-parser";
import {
  cleanup,
  type Element,
  freePort,
  type InProcessServices,
  makeTempDir,
  type NatsHandle,
  type ProsodyHandle,
  type SipTestUa,
  startNats,
  startProsody,
  startServicesInProcess,
  startSipTestUa,
  waitUntil,
  type XmppTestClient,
  xml,
  xmppClient,
} from "@stox/test-harness";
import { xmppEdgeService } from "@stox/xmpp-edge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePidf } from "../src/pidf/parse-pidf.js";
import { presenceMapperService } from "../src/service.js";

const DOMAIN = "localhost";
const SIP_DOMAIN = "sip.localhost";
const SECRET = "presence-e2e-secret";
const BOB = `sip:bob@${SIP_DOMAIN}`;
const ALICE_SIP = `sip:alice@${DOMAIN}`;

let nats: NatsHandle;
let prosody: ProsodyHandle;
let edges: InProcessServices;
let mapper: InProcessServices;
let ua: SipTestUa;
let alice: XmppTestClient;
let sipPort: number;
let seq = 100;

function mapperEnv() {
  return {
    PRESENCE_MAPPER_NOTIFY_INTERVAL_MS: "0",
    PRESENCE_MAPPER_XMPP_DOMAINS: DOMAIN,
    PRESENCE_MAPPER_LEASE_MS: "2000",
  };
}

async function startMapperHost(): Promise<InProcessServices> {
  const host = await startServicesInProcess({
    services: [presenceMapperService],
    bus: "nats",
    natsUrl: nats.url,
    env: mapperEnv(),
    name: "presence",
  });
  // Its subscriptions travel over its own connection: wait until the edges' connection sees each subject.
  for (const subject of [sipInSubject("subscribe"), sipInSubject("notify"), xmppInSubject("presence")]) {
    await waitUntil(`${subject} served`, () =>
      edges.host.bus.request(subject, new Uint8Array(), { timeoutMs: 1000 }).then(
        () => true,
        () => false,
      ),
    );
  }
  return host;
}

/** Sends an in-dialog request built by hand (the test UA's request() always opens a new dialog). */
async function sendRaw(method: string, uri: string, headers: [string, string][], body?: string): Promise<SipResponse> {
  const cseq = ++seq;
  const branch = `z9hG4bK-e2e-${cseq}`;
  const all: [string, string][] = [
    ["Via", `SIP/2.0/UDP 127.0.0.1:${ua.port};branch=${branch};rport`],
    ["Max-Forwards", "70"],
    ...headers,
    ["CSeq", `${cseq} ${method}`],
    ["Contact", `<sip:bob@127.0.0.1:${ua.port}>`],
  ];
  if (body !== undefined) all.push(["Content-Type", "application/pidf+xml"]);
  const req = createRequest({ method, uri, headers: all, ...(body !== undefined ? { body } : {}) });
  const before = ua.received.length;
  await ua.sendRaw(serializeSipMessage(req), `127.0.0.1:${sipPort}`);
  return waitFor(`${method} answered`, () =>
    ua.received
      .slice(before)
      .find((m): m is SipResponse => !m.isRequest && m.cseq.seq === cseq && (m as SipResponse).status >= 200),
  );
}

/** Polls until `find` returns a value (waitUntil only reports readiness). */
async function waitFor<T>(what: string, find: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  let found: T | undefined;
  await waitUntil(
    what,
    () => {
      const v = find();
      if (v === undefined || v === false) return false;
      found = v;
      return true;
    },
    timeoutMs,
  );
  return found as T;
}

function tagOf(value: string | undefined): string {
  return value?.split("tag=")[1]?.split(";")[0] ?? "";
}

/** alice's roster subscription state for bob (RFC 6121 §2.1.2.5): what Prosody made of the authorization stanzas. */
async function bobSubscription(): Promise<string | undefined> {
  const result = (await alice.xmpp.iqCaller.request(
    xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })),
  )) as Element;
  const query = result.getChild("query", "jabber:iq:roster");
  const item = query?.getChildren("item").find((i) => i.attrs.jid === `bob@${SIP_DOMAIN}`);
  return item?.attrs.subscription as string | undefined;
}

async function waitForSubscription(wanted: (s: string | undefined) => boolean, what: string): Promise<void> {
  let last: string | undefined;
  await waitUntil(`${what} (last: ${last})`, async () => {
    last = await bobSubscription();
    return wanted(last);
  });
}

function isPresence(from: string, type?: string) {
  return (s: Element) => s.is("presence") && s.attrs.from === from && s.attrs.type === type;
}

type BusMode = "nats" | "memory";

async function setUp(mode: BusMode): Promise<void> {
  seq = 100;
  nats = await startNats({ isPrivate: true });
  prosody = await startProsody({
    domain: DOMAIN,
    components: [{ name: SIP_DOMAIN, secret: SECRET }],
    users: [{ user: "alice", password: "pw" }],
  });
  const dir = makeTempDir("presence-e2e");
  const secretFile = join(dir, "secret");
  writeFileSync(secretFile, `${SECRET}\n`);
  ua = await startSipTestUa({ user: "bob" });
  sipPort = await freePort();
  // memory: one host, one in-memory bus for all three services; nats: the mapper in a host of its own.
  edges = await startServicesInProcess({
    services:
      mode === "memory" ? [sipEdgeService, xmppEdgeService, presenceMapperService] : [sipEdgeService, xmppEdgeService],
    bus: mode,
    natsUrl: nats.url,
    name: "edges",
    env: {
      SIP_EDGE_LISTEN_ADDRESS: "127.0.0.1",
      SIP_EDGE_TRANSPORTS: "udp",
      SIP_EDGE_UDP_PORT: String(sipPort),
      SIP_EDGE_OUTBOUND_PROXY: `sip:127.0.0.1:${ua.port}`,
      XMPP_EDGE_DOMAINS: SIP_DOMAIN,
      XMPP_EDGE_COMPONENT_PORT: String(prosody.componentPort),
      XMPP_EDGE_COMPONENT_SECRET_FILE: secretFile,
      ...mapperEnv(),
    },
    readyTimeoutMs: 20_000,
  });
  if (mode === "nats") mapper = await startMapperHost();
  alice = await xmppClient({
    service: prosody.service,
    domain: DOMAIN,
    username: "alice",
    password: "pw",
    resource: "laptop",
  });
}

async function tearDown(): Promise<void> {
  if (process.env.PM_E2E_DEBUG)
    for (const st of alice?.received ?? []) process.stderr.write(`ALICE<- ${st.toString()}\n`);
  await cleanup();
}

describe.each(["nats", "memory"] as const)(
  "presence end to end on the %s bus (Prosody, sip-edge, xmpp-edge, presence-mapper)",
  (mode) => {
    beforeAll(() => setUp(mode), 60_000);
    afterAll(() => tearDown(), 30_000);

    let watcher: { callId: string; bobTag: string; gwTag: string };
    const notifies: SipRequest[] = [];

    it("PRES-S2X-02 PRES-S2X-04 PRES-S2X-06 a SIP watcher subscribes; alice approves; NOTIFYs pending then active", async () => {
      ua.onRequest((req) => {
        if (req.method === "NOTIFY") {
          notifies.push(req);
          return 200;
        }
        return undefined;
      });
      const res = await ua.request({
        method: "SUBSCRIBE",
        uri: ALICE_SIP,
        target: `127.0.0.1:${sipPort}`,
        from: BOB,
        to: ALICE_SIP,
        headers: [
          ["Event", "presence"],
          ["Accept", "application/pidf+xml"],
          ["Expires", "600"],
        ],
      });
      expect(res.status).toBe(200);
      expect(res.header("expires")).toBe("600");
      watcher = { callId: res.callId, bobTag: tagOf(res.header("from")), gwTag: tagOf(res.header("to")) };
      await waitUntil("pending NOTIFY", () =>
        notifies.some((n) => n.header("subscription-state")?.startsWith("pending")),
      );
      await alice.waitForStanza(isPresence(`bob@${SIP_DOMAIN}`, "subscribe"), 10_000);
      await alice.send(xml("presence", { to: `bob@${SIP_DOMAIN}`, type: "subscribed" }));
      await waitUntil("active NOTIFY", () =>
        notifies.some((n) => n.header("subscription-state")?.startsWith("active")),
      );
    });

    it("PRES-NTF-04 PRES-NTF-08 PRES-NTF-10 alice's status change reaches the SIP watcher as PIDF", async () => {
      await alice.send(xml("presence", {}, xml("show", {}, "dnd"), xml("status", {}, "In a meeting")));
      const n = await waitFor("dnd NOTIFY", () => notifies.find((m) => m.body.toString("utf8").includes(">dnd<")));
      const doc = parsePidf(n.body.toString("utf8"));
      expect(doc.entity).toBe(`pres:alice@${DOMAIN}`);
      expect(doc.tuples).toContainEqual(
        expect.objectContaining({
          id: "ID-laptop",
          basic: "open",
          show: "dnd",
          notes: [{ text: "In a meeting", lang: "en" }],
        }),
      );
      expect(n.header("content-type")).toBe("application/pidf+xml");
    });

    let outbound: { callId: string; gwTag: string };

    it("PRES-X2S-01 PRES-X2S-06 PRES-X2S-07 alice subscribes to bob; bob's active NOTIFY -> subscribed and his presence", async () => {
      ua.onRequest((req) => {
        if (req.method === "SUBSCRIBE")
          return createResponse(req, 200, {
            toTag: "bob-dialog",
            headers: [
              ["Expires", req.header("expires") ?? "3600"],
              ["Contact", `<sip:bob@127.0.0.1:${ua.port}>`],
            ],
          });
        if (req.method === "NOTIFY") {
          notifies.push(req);
          return 200;
        }
        return undefined;
      });
      await alice.send(xml("presence", { to: `bob@${SIP_DOMAIN}`, type: "subscribe" }));
      const sub = await ua.waitForRequest((r) => r.method === "SUBSCRIBE", 10_000);
      expect(sub.header("event")).toBe("presence");
      expect(sub.header("accept")).toBe("application/pidf+xml");
      outbound = { callId: sub.callId, gwTag: tagOf(sub.header("from")) };
      const body = `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:bob@${SIP_DOMAIN}"><tuple id="ID-desk"><status><basic>open</basic></status><note>at my desk</note></tuple></presence>`;
      const res = await sendRaw(
        "NOTIFY",
        sub.header("contact")?.replace(/^<|>$/g, "") ?? ALICE_SIP,
        [
          ["From", `<${BOB}>;tag=bob-dialog`],
          ["To", `<${ALICE_SIP}>;tag=${outbound.gwTag}`],
          ["Call-ID", outbound.callId],
          ["Event", "presence"],
          ["Subscription-State", "active;expires=3600"],
        ],
        body,
      );
      expect(res.status).toBe(200);
      // PRES-X2S-06: the gateway's `subscribed` made Prosody move bob to "to" (or "both") on alice's roster.
      await waitForSubscription((sub) => sub === "to" || sub === "both", "bob approved on alice's roster");
      const p = await alice.waitForStanza(isPresence(`bob@${SIP_DOMAIN}/desk`, undefined), 10_000);
      expect(p.getChildText("status")).toBe("at my desk");
    });

    it("PRES-STATE-01 PRES-STATE-02 PRES-STATE-03 a presence-mapper restart (NATS) or its state alone (memory) keeps both subscriptions working", async () => {
      // On NATS the mapper host is replaced by a new one; in memory all services share one host and bus.
      if (mode === "nats") {
        await mapper.stop();
        mapper = await startMapperHost();
      }
      // SIP -> XMPP in the outbound dialog made by the first instance
      const body = `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:bob@${SIP_DOMAIN}"><tuple id="ID-desk"><status><basic>closed</basic></status></tuple></presence>`;
      const res = await sendRaw(
        "NOTIFY",
        ALICE_SIP,
        [
          ["From", `<${BOB}>;tag=bob-dialog`],
          ["To", `<${ALICE_SIP}>;tag=${outbound.gwTag}`],
          ["Call-ID", outbound.callId],
          ["Event", "presence"],
          ["Subscription-State", "active;expires=3600"],
        ],
        body,
      );
      expect(res.status).toBe(200);
      await alice.waitForStanza(isPresence(`bob@${SIP_DOMAIN}/desk`, "unavailable"), 10_000);
      // XMPP -> SIP in the watcher's dialog made by the first instance
      await alice.send(xml("presence", {}, xml("show", {}, "away")));
      await waitUntil("away NOTIFY", () =>
        notifies.some((m) => m.callId === watcher.callId && m.body.toString("utf8").includes(">away<")),
      );
    });

    it("PRES-S2X-10 the SIP watcher unsubscribes: terminated NOTIFY, and alice sees bob unavailable", async () => {
      const res = await sendRaw("SUBSCRIBE", ALICE_SIP, [
        ["From", `<${BOB}>;tag=${watcher.bobTag}`],
        ["To", `<${ALICE_SIP}>;tag=${watcher.gwTag}`],
        ["Call-ID", watcher.callId],
        ["Event", "presence"],
        ["Expires", "0"],
      ]);
      expect(res.status).toBe(200);
      await waitUntil("terminated NOTIFY", () =>
        notifies.some((m) => m.callId === watcher.callId && m.header("subscription-state")?.startsWith("terminated")),
      );
      await alice.waitForStanza(isPresence(`bob@${SIP_DOMAIN}`, "unavailable"), 10_000);
    });

    it("PRES-X2S-13 PRES-X2S-14 alice unsubscribes: SUBSCRIBE Expires 0 in the dialog, then unsubscribed", async () => {
      await alice.send(xml("presence", { to: `bob@${SIP_DOMAIN}`, type: "unsubscribe" }));
      const sub = await ua.waitForRequest(
        (r) => r.method === "SUBSCRIBE" && r.callId === outbound.callId && r.expires === 0,
        10_000,
      );
      expect(tagOf(sub.header("to"))).toBe("bob-dialog");
      // PRES-X2S-14: after `unsubscribed`, alice no longer receives bob's presence ("from" or "none" is left).
      await waitForSubscription((sub) => sub !== "to" && sub !== "both", "bob's approval gone from alice's roster");
    });
  },
);

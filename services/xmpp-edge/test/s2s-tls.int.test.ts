// Interop with TLS: the edge in s2s mode against Prosody 0.12, both with certificates from one test CA, TLS
// required on both sides and Prosody's s2s_secure_auth on: streams use STARTTLS and certificate
// authentication (SASL EXTERNAL, RFC 6120 §5-6) instead of dialback. Routing as in s2s.int.test.ts.
import { type Bus, connectNatsBus } from "@stox/bus";
import {
  newEventId,
  nowIso,
  type XmppStanzaReceived,
  xmppOutSubject,
  xmppSendResultCodec,
  xmppStanzaCommandCodec,
  xmppStanzaReceivedCodec,
  xmppStanzaReplyCodec,
} from "@stox/events";
import {
  cleanup,
  type Element,
  freePort,
  makeTestCa,
  makeTestCertificates,
  type NatsHandle,
  type ProsodyHandle,
  startNats,
  startProsody,
  waitUntil,
  type XmppTestClient,
  xml,
  xmppClient,
} from "@stox/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { S2sTarget } from "../src/s2s/s2s-resolver.js";
import { type S2sFixture, startS2sEdge } from "./support/s2s-fixture.js";

const DOMAIN = "localhost";
const GATEWAY = "sip.localhost";

let nats: NatsHandle;
let bus: Bus;
let prosody: ProsodyHandle;
let edge: S2sFixture;
let juliet: XmppTestClient;
const events: XmppStanzaReceived[] = [];
const routes = new Map<string, S2sTarget>();

beforeAll(async () => {
  nats = await startNats({ isPrivate: true });
  bus = await connectNatsBus({ url: nats.url, name: "xmpp-edge-s2s-tls-int" });
  const edgePort = await freePort();
  const pki = makeTestCa();
  const prosodyCert = makeTestCertificates({ commonName: DOMAIN, ca: pki });
  const edgeCert = makeTestCertificates({ commonName: GATEWAY, ca: pki });
  prosody = await startProsody({
    domain: DOMAIN,
    users: [{ user: "juliet", password: "pw" }],
    s2s: { insecureDomains: [], routes: { [GATEWAY]: edgePort } },
    tls: { ...prosodyCert, caFile: pki.certFile, s2sRequireEncryption: true, s2sSecureAuth: true },
  });
  routes.set(DOMAIN, { host: "127.0.0.1", port: prosody.s2sPort ?? 0 });
  edge = await startS2sEdge({
    domain: GATEWAY,
    routes,
    bus,
    cert: edgeCert,
    caFile: pki.certFile,
    requireTls: true,
    env: { XMPP_EDGE_S2S_PORT: String(edgePort) },
  });
  for (const kind of ["message", "presence"] as const) {
    bus.subscribe(`stox.v1.xmpp.in.${kind}`, (msg) => {
      events.push(xmppStanzaReceivedCodec.decode(msg.data));
      bus.respond(msg, xmppStanzaReplyCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true }));
    });
  }
  // mod_tls makes Prosody offer STARTTLS on c2s too, with the test certificate: the client verifies it with our CA.
  juliet = await xmppClient({
    service: prosody.service,
    domain: DOMAIN,
    username: "juliet",
    password: "pw",
    ca: pki.cert,
  });
});

afterAll(async () => {
  await edge?.stop();
  await bus?.drain();
  await cleanup();
});

function errorCondition(stanza: Element): string | undefined {
  return stanza.getChild("error")?.children.find((c): c is Element => typeof c !== "string")?.name;
}

describe("xmpp-edge s2s with Prosody over TLS with certificate authentication (RFC 6120 §5, §6, §13.7)", () => {
  it("Prosody dials the gateway over STARTTLS and authenticates with its certificate (SASL EXTERNAL)", async () => {
    await juliet.send(
      xml("message", { to: `romeo@${GATEWAY}`, type: "chat", id: "tls-in-1" }, xml("body", {}, "via s2s")),
    );
    await waitUntil("event on the bus", () => events.some((e) => e.stanza.attrs.id === "tls-in-1"), 10_000);
    const event = events.find((e) => e.stanza.attrs.id === "tls-in-1");
    expect(event?.stream).toEqual({ mode: "s2s", peer: DOMAIN });
    expect(event?.stanza.attrs.from).toBe(juliet.jid);
    const session = edge.edge.s2s?.node.inboundSessions.find((s) => s.peer === DOMAIN);
    expect(session?.isSecure).toBe(true);
    expect(session?.authMethod).toBe("sasl-external");
  });

  it("the gateway dials Prosody over STARTTLS: a bus command reaches the client", async () => {
    const stanza = {
      name: "message",
      attrs: { from: `romeo@${GATEWAY}`, to: juliet.jid, type: "chat" },
      children: [{ name: "body", attrs: {}, children: ["hello from the gateway"] }],
    };
    const reply = await bus.request(
      xmppOutSubject("message"),
      xmppStanzaCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), stanza }),
      { timeoutMs: 10_000 },
    );
    expect(xmppSendResultCodec.decode(reply.data)).toMatchObject({ ok: true });
    const got = await juliet.waitForMessage({ from: `romeo@${GATEWAY}`, timeoutMs: 10_000 });
    expect(got.getChildText("body")).toBe("hello from the gateway");
  });

  it("answers disco#info and returns service-unavailable for an unhandled iq, over s2s", async () => {
    await juliet.send(
      xml(
        "iq",
        { to: GATEWAY, type: "get", id: "tls-d1" },
        xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }),
      ),
    );
    const info = await juliet.waitForStanza((s) => s.attrs.id === "tls-d1", 10_000);
    expect(info.attrs.type).toBe("result");
    expect(info.getChild("query")?.getChild("identity")?.attrs).toMatchObject({ category: "gateway", type: "sip" });
    await juliet.send(
      xml("iq", { to: `romeo@${GATEWAY}`, type: "get", id: "tls-u1" }, xml("vCard", { xmlns: "vcard-temp" })),
    );
    const error = await juliet.waitForStanza((s) => s.attrs.id === "tls-u1", 10_000);
    expect(errorCondition(error)).toBe("service-unavailable");
  });
});

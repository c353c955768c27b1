// Interop: the edge in s2s mode against a real Prosody 0.12 as the remote server, both directions, over real
// NATS. Prosody dials the gateway through the harness's static S2S route for sip.localhost (the edge's loopback
// port); the edge dials Prosody through its injectable resolver.
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
  bus = await connectNatsBus({ url: nats.url, name: "xmpp-edge-s2s-int" });
  const edgePort = await freePort();
  prosody = await startProsody({
    domain: DOMAIN,
    users: [{ user: "juliet", password: "pw" }],
    s2s: { routes: { [GATEWAY]: edgePort } },
  });
  routes.set(DOMAIN, { host: "127.0.0.1", port: prosody.s2sPort ?? 0 });
  edge = await startS2sEdge({ domain: GATEWAY, routes, bus, env: { XMPP_EDGE_S2S_PORT: String(edgePort) } });
  for (const kind of ["message", "presence"] as const) {
    bus.subscribe(`stox.v1.xmpp.in.${kind}`, (msg) => {
      events.push(xmppStanzaReceivedCodec.decode(msg.data));
      bus.respond(msg, xmppStanzaReplyCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true }));
    });
  }
  juliet = await xmppClient({ service: prosody.service, domain: DOMAIN, username: "juliet", password: "pw" });
});

afterAll(async () => {
  await edge?.stop();
  await bus?.drain();
  await cleanup();
});

function errorCondition(stanza: Element): string | undefined {
  return stanza.getChild("error")?.children.find((c): c is Element => typeof c !== "string")?.name;
}

describe("xmpp-edge s2s with Prosody as the remote server (RFC 6120, XEP-0220)", () => {
  it("Prosody dials the gateway: a client's message reaches the bus from an s2s stream authenticated by dialback", async () => {
    await juliet.send(
      xml("message", { to: `romeo@${GATEWAY}`, type: "chat", id: "s2s-in-1" }, xml("body", {}, "via s2s")),
    );
    await waitUntil("event on the bus", () => events.some((e) => e.stanza.attrs.id === "s2s-in-1"), 10_000);
    const event = events.find((e) => e.stanza.attrs.id === "s2s-in-1");
    expect(event?.stream).toEqual({ mode: "s2s", peer: DOMAIN });
    expect(event?.stanza.attrs.from).toBe(juliet.jid);
    const session = edge.edge.s2s?.node.inboundSessions.find((s) => s.peer === DOMAIN);
    expect(session?.authMethod).toBe("dialback");
  });

  it("the gateway dials Prosody: a bus command reaches the client (Prosody verifies our dialback key with us)", async () => {
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
        { to: GATEWAY, type: "get", id: "s2s-d1" },
        xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }),
      ),
    );
    const info = await juliet.waitForStanza((s) => s.attrs.id === "s2s-d1", 10_000);
    expect(info.attrs.type).toBe("result");
    expect(info.getChild("query")?.getChild("identity")?.attrs).toMatchObject({ category: "gateway", type: "sip" });
    await juliet.send(
      xml("iq", { to: `romeo@${GATEWAY}`, type: "get", id: "s2s-u1" }, xml("vCard", { xmlns: "vcard-temp" })),
    );
    const error = await juliet.waitForStanza((s) => s.attrs.id === "s2s-u1", 10_000);
    expect(errorCondition(error)).toBe("service-unavailable");
  });
});

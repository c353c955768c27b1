import { type Bus, createMemoryBus } from "@stox/bus";
import {
  newEventId,
  nowIso,
  type XmlElement,
  xmppOutSubject,
  xmppSendResultCodec,
  xmppStanzaCommandCodec,
  xmppStanzaReceivedCodec,
  xmppStanzaReplyCodec,
} from "@stox/events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { child, childElements, el } from "../src/xml/xml-element.js";
import { type EdgeFixture, SECRET, startEdge } from "./support/edge-fixture.js";
import { FakeComponentServer } from "./support/fake-component-server.js";

let bus: Bus;
let server: FakeComponentServer;
let fixture: EdgeFixture;

beforeEach(async () => {
  bus = createMemoryBus();
  server = await FakeComponentServer.start(SECRET);
});

afterEach(async () => {
  await fixture?.stop();
  await server.close();
  await bus.drain();
});

async function online(env: Record<string, string> = {}): Promise<void> {
  fixture = await startEdge(bus, server.port, env);
  await server.until(() => fixture.edge.isReady(), "edge online");
}

/** Writes a stanza as the server would and waits for the edge's next answer. */
async function exchange(xml: string): Promise<XmlElement> {
  const session = server.current;
  if (!session) throw new Error("no session");
  const before = session.received.length;
  session.write(xml);
  return server.until(() => session.received[before], "answer");
}

function stanzaError(stanza: XmlElement): { type: string | undefined; condition: string | undefined } {
  const error = child(stanza, "error");
  return { type: error?.attrs.type, condition: error ? childElements(error)[0]?.name : undefined };
}

const MSG = "<message from='juliet@example.com/balcony' to='romeo@sip.example.com' id='m1' type='chat'>";

describe("inbound stanzas", () => {
  it("publishes a message as XmppStanzaReceived on stox.v1.xmpp.in.message, unknown children kept", async () => {
    await online();
    const seen: unknown[] = [];
    bus.subscribe(
      "stox.v1.xmpp.in.message",
      (msg) => {
        const event = xmppStanzaReceivedCodec.decode(msg.data);
        expect(msg.headers["stox-event-id"]).toBe(event.id);
        seen.push(event);
        bus.respond(msg, xmppStanzaReplyCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true }));
      },
      { queue: "chat-mapper" },
    );
    server.current?.write(`${MSG}<body>Wherefore art thou?</body><x xmlns='urn:example:unknown'><y/></x></message>`);
    await server.until(() => seen.length === 1, "event");
    expect(seen[0]).toMatchObject({
      v: 1,
      stream: { mode: "component" },
      stanza: el(
        "message",
        { from: "juliet@example.com/balcony", to: "romeo@sip.example.com", id: "m1", type: "chat" },
        el("body", {}, "Wherefore art thou?"),
        el("x", { xmlns: "urn:example:unknown" }, el("y")),
      ),
    });
    expect(server.current?.received).toEqual([]);
  });

  it("answers service-unavailable when no mapper listens (RFC 6120 §8.3.3.19), from/to swapped, same id", async () => {
    await online();
    const answer = await exchange(`${MSG}<body>hi</body></message>`);
    expect(answer.attrs).toMatchObject({
      type: "error",
      id: "m1",
      from: "romeo@sip.example.com",
      to: "juliet@example.com/balcony",
    });
    expect(stanzaError(answer)).toEqual({ type: "cancel", condition: "service-unavailable" });
  });

  it("answers remote-server-timeout (wait) when the mapper does not reply in time (CORE-ERR-17)", async () => {
    await online();
    bus.subscribe("stox.v1.xmpp.in.message", () => {}, { queue: "chat-mapper" });
    const answer = await exchange(`${MSG}<body>hi</body></message>`);
    expect(stanzaError(answer)).toEqual({ type: "wait", condition: "remote-server-timeout" });
  });

  it("returns the stanzaError the mapper names, with its text (CORE-ERR-14)", async () => {
    await online();
    bus.subscribe("stox.v1.xmpp.in.message", (msg) =>
      bus.respond(
        msg,
        xmppStanzaReplyCodec.encode({
          v: 1,
          id: newEventId(),
          at: nowIso(),
          ok: false,
          error: { code: "not-found", message: "no such SIP user", isRetryable: false },
          stanzaError: { type: "cancel", condition: "recipient-unavailable", text: "480 Temporarily Unavailable" },
        }),
      ),
    );
    const answer = await exchange(`${MSG}<body>hi</body></message>`);
    expect(stanzaError(answer)).toEqual({ type: "cancel", condition: "recipient-unavailable" });
    expect(child(child(answer, "error") as XmlElement, "text")?.children).toEqual(["480 Temporarily Unavailable"]);
  });

  it("maps a gateway error code to a stanza error when the mapper gives none", async () => {
    await online();
    bus.subscribe("stox.v1.xmpp.in.presence", (msg) =>
      bus.respond(
        msg,
        xmppStanzaReplyCodec.encode({
          v: 1,
          id: newEventId(),
          at: nowIso(),
          ok: false,
          error: { code: "forbidden", message: "not a home domain", isRetryable: false },
        }),
      ),
    );
    const answer = await exchange("<presence from='a@example.com/r' to='b@sip.example.com' id='p1'/>");
    expect(answer.name).toBe("presence");
    expect(stanzaError(answer)).toEqual({ type: "auth", condition: "forbidden" });
  });

  it("never answers an error stanza with an error (RFC 6120 §8.3.1, CORE-ERR-16)", async () => {
    await online();
    server.current?.write(
      `<message from='a@example.com' to='b@sip.example.com' type='error' id='e1'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>`,
    );
    // A probe after it: its answer arrives, and it is the only thing the edge sent.
    const answer = await exchange(
      "<iq from='a@example.com/r' to='sip.example.com' id='probe' type='get'><ping xmlns='urn:xmpp:ping'/></iq>",
    );
    expect(answer.attrs.id).toBe("probe");
    expect(server.current?.received).toHaveLength(1);
  });

  it("never answers an iq result, even when nobody takes it (RFC 6120 §8.2.3)", async () => {
    await online();
    server.current?.write("<iq from='a@example.com/r' to='b@sip.example.com/x' id='r1' type='result'/>");
    const answer = await exchange(
      "<iq from='a@example.com/r' to='sip.example.com' id='probe' type='get'><ping xmlns='urn:xmpp:ping'/></iq>",
    );
    expect(answer.attrs.id).toBe("probe");
    expect(server.current?.received).toHaveLength(1);
  });

  it("refuses a stanza for a domain it does not serve with item-not-found", async () => {
    await online();
    const answer = await exchange("<message from='a@example.com' to='b@other.example.org' id='f1'/>");
    expect(stanzaError(answer)).toEqual({ type: "cancel", condition: "item-not-found" });
  });

  it("stops reading the stream while XMPP_EDGE_MAX_IN_FLIGHT stanzas wait for mappers, and resumes as they drain", async () => {
    await online({ XMPP_EDGE_MAX_IN_FLIGHT: "2", XMPP_EDGE_REQUEST_TIMEOUT_MS: "5000" });
    const held: (() => void)[] = [];
    bus.subscribe("stox.v1.xmpp.in.message", (msg) => {
      held.push(() =>
        bus.respond(msg, xmppStanzaReplyCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true })),
      );
    });
    const connection = fixture.edge.components?.connection("sip.example.com");
    server.current?.write(`${MSG}<body>1</body></message>`);
    server.current?.write(`${MSG}<body>2</body></message>`);
    await server.until(() => held.length === 2, "two held");
    expect(connection?.isPaused).toBe(true);
    for (const release of held.splice(0)) release();
    await server.until(() => connection?.isPaused === false, "resumed");
    server.current?.write(`${MSG}<body>3</body></message>`);
    await server.until(() => held.length === 1, "third delivered");
  });

  it("rate-limits per sender with a token bucket (resource-constraint, wait)", async () => {
    await online({ XMPP_EDGE_RATE_PER_SECOND: "1", XMPP_EDGE_RATE_BURST: "2" });
    const ping = (from: string, id: string) =>
      exchange(`<iq from='${from}' to='sip.example.com' id='${id}' type='get'><ping xmlns='urn:xmpp:ping'/></iq>`);
    expect((await ping("a@example.com/1", "1")).attrs.type).toBe("result");
    expect((await ping("a@example.com/2", "2")).attrs.type).toBe("result");
    const third = await ping("a@example.com/1", "3");
    expect(stanzaError(third)).toEqual({ type: "wait", condition: "resource-constraint" });
    expect((await ping("other@example.com/1", "4")).attrs.type).toBe("result");
    expect(await fixture.metrics.render()).toMatch(/stox_xmpp_edge_stanzas_rejected_total\{reason="rate-limited"\} 1/);
  });
});

describe("the gateway answers for itself", () => {
  it("answers disco#info for its domain with the gateway identity and features (XEP-0030)", async () => {
    await online({ XMPP_EDGE_DISCO_FEATURES: "urn:example:extra" });
    const answer = await exchange(
      "<iq from='a@example.com/r' to='sip.example.com' id='d1' type='get'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
    );
    expect(answer.attrs).toMatchObject({ type: "result", id: "d1", from: "sip.example.com", to: "a@example.com/r" });
    const query = child(answer, "query", "http://jabber.org/protocol/disco#info") as XmlElement;
    expect(child(query, "identity")?.attrs).toMatchObject({ category: "gateway", type: "sip" });
    const features = childElements(query)
      .filter((c) => c.name === "feature")
      .map((f) => f.attrs.var);
    expect(features).toEqual(
      expect.arrayContaining([
        "http://jabber.org/protocol/disco#info",
        "http://jabber.org/protocol/disco#items",
        "urn:xmpp:ping",
        "jabber:iq:version",
        "urn:example:extra",
      ]),
    );
  });

  it("answers disco#info for a SIP user behind the gateway with the configured user features", async () => {
    await online();
    const answer = await exchange(
      "<iq from='a@example.com/r' to='romeo@sip.example.com' id='d2' type='get'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
    );
    const query = child(answer, "query") as XmlElement;
    const features = childElements(query)
      .filter((c) => c.name === "feature")
      .map((f) => f.attrs.var);
    expect(features).toEqual(["http://jabber.org/protocol/disco#info", "urn:xmpp:jingle:1"]);
  });

  it("answers disco#items with an empty list and an unknown node with item-not-found", async () => {
    await online();
    const items = await exchange(
      "<iq from='a@example.com/r' to='sip.example.com' id='i1' type='get'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>",
    );
    expect(child(items, "query")?.children).toEqual([]);
    const node = await exchange(
      "<iq from='a@example.com/r' to='sip.example.com' id='i2' type='get'><query xmlns='http://jabber.org/protocol/disco#info' node='x'/></iq>",
    );
    expect(stanzaError(node)).toEqual({ type: "cancel", condition: "item-not-found" });
  });

  it("answers XEP-0199 ping and XEP-0092 version for its domain", async () => {
    await online();
    const pong = await exchange(
      "<iq from='a@example.com/r' to='sip.example.com' id='p1' type='get'><ping xmlns='urn:xmpp:ping'/></iq>",
    );
    expect(pong).toEqual(el("iq", { from: "sip.example.com", to: "a@example.com/r", id: "p1", type: "result" }));
    const version = await exchange(
      "<iq from='a@example.com/r' to='sip.example.com' id='v1' type='get'><query xmlns='jabber:iq:version'/></iq>",
    );
    expect(child(version, "query")).toEqual(
      el("query", { xmlns: "jabber:iq:version" }, el("name", {}, "stox"), el("version", {}, "0.1.0")),
    );
  });

  it("answers service-unavailable for an iq to the domain in a namespace nobody handles (RFC 6120 §8.4)", async () => {
    await online();
    const answer = await exchange(
      "<iq from='a@example.com/r' to='sip.example.com' id='u1' type='set'><query xmlns='jabber:iq:register'/></iq>",
    );
    expect(stanzaError(answer)).toEqual({ type: "cancel", condition: "service-unavailable" });
  });

  it("answers feature-not-implemented for a set in a namespace it answers only gets for (RFC 6120 §8.3.3.7)", async () => {
    await online();
    const answer = await exchange(
      "<iq from='a@example.com/r' to='sip.example.com' id='u3' type='set'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
    );
    expect(stanzaError(answer)).toEqual({ type: "cancel", condition: "feature-not-implemented" });
  });

  it("answers feature-not-implemented when the mapper says not-implemented", async () => {
    await online();
    bus.subscribe("stox.v1.xmpp.in.iq", (msg) =>
      bus.respond(
        msg,
        xmppStanzaReplyCodec.encode({
          v: 1,
          id: newEventId(),
          at: nowIso(),
          ok: false,
          error: { code: "not-implemented", message: "no such jingle action", isRetryable: false },
        }),
      ),
    );
    const answer = await exchange(
      "<iq from='a@example.com/r' to='romeo@sip.example.com/x' id='j1' type='set'><jingle xmlns='urn:xmpp:jingle:1' action='x'/></iq>",
    );
    expect(stanzaError(answer)).toEqual({ type: "cancel", condition: "feature-not-implemented" });
  });

  it("answers service-unavailable for an iq to a user that nobody handles (RFC 6120 §8.4)", async () => {
    await online();
    const answer = await exchange(
      "<iq from='a@example.com/r' to='romeo@sip.example.com/x' id='u2' type='get'><vCard xmlns='vcard-temp'/></iq>",
    );
    expect(stanzaError(answer)).toEqual({ type: "cancel", condition: "service-unavailable" });
  });
});

describe("outbound commands", () => {
  const command = (stanza: XmlElement) =>
    xmppStanzaCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), stanza });

  it("writes a command on stox.v1.xmpp.out.message to the stream and replies ok", async () => {
    await online();
    const stanza = el(
      "message",
      { from: "romeo@sip.example.com", to: "juliet@example.com", type: "chat", xmlns: "jabber:client" },
      el("body", {}, "It is my lady <3"),
    );
    const reply = await bus.request(xmppOutSubject("message"), command(stanza), { timeoutMs: 2000 });
    expect(xmppSendResultCodec.decode(reply.data)).toMatchObject({ ok: true });
    const { xmlns: _ns, ...attrs } = stanza.attrs;
    await server.until(() => server.current?.received.length === 1, "stanza at server");
    expect(server.current?.received[0]).toEqual({ ...stanza, attrs });
  });

  it("replies unavailable when no stream is up", async () => {
    fixture = await startEdge(bus, 1); // nothing listens on port 1
    const stanza = el("message", { from: "romeo@sip.example.com", to: "juliet@example.com" });
    const reply = await bus.request(xmppOutSubject("message"), command(stanza), { timeoutMs: 2000 });
    expect(xmppSendResultCodec.decode(reply.data)).toMatchObject({ ok: false, error: { code: "unavailable" } });
  });

  it("refuses to speak for a domain it does not serve, and a stanza on the wrong subject", async () => {
    await online();
    const foreign = el("message", { from: "mallory@example.net", to: "juliet@example.com" });
    const r1 = await bus.request(xmppOutSubject("message"), command(foreign), { timeoutMs: 2000 });
    expect(xmppSendResultCodec.decode(r1.data)).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const wrong = el("presence", { from: "romeo@sip.example.com", to: "juliet@example.com" });
    const r2 = await bus.request(xmppOutSubject("message"), command(wrong), { timeoutMs: 2000 });
    expect(xmppSendResultCodec.decode(r2.data)).toMatchObject({ ok: false, error: { code: "bad-request" } });
    expect(server.current?.received).toEqual([]);
  });

  it("answers bad-request to a payload that is not a valid command", async () => {
    await online();
    const reply = await bus.request(xmppOutSubject("iq"), new TextEncoder().encode("{}"), { timeoutMs: 2000 });
    expect(xmppSendResultCodec.decode(reply.data)).toMatchObject({ ok: false, error: { code: "bad-request" } });
  });
});

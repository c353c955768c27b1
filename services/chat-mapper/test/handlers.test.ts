import { type Bus, createMemoryBus } from "@stox/bus";
import { unwrapCpim } from "@stox/msrp-lite";
import { createLogger, createMetrics } from "@stox/telemetry";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ChatMapperConfig, loadConfig } from "../src/config.js";
import { type ChatHandlers, startHandlers } from "../src/handlers.js";
import { parseImdn } from "../src/imdn.js";
import { parseIsComposing } from "../src/is-composing.js";
import { fakeSipEdge, fakeXmppEdge, sipIn, xmppIn } from "./fake-edges.js";
import { child, sipMessage, text, x, xmppMessage } from "./fixtures.js";

const CRLF = "\r\n";
const env = { CHAT_MAPPER_SIP_DOMAINS: "sip.test", CHAT_MAPPER_XMPP_DOMAINS: "xmpp.test" };

let bus: Bus;
let handlers: ChatHandlers;
let started: ChatHandlers[];

async function start(config: ChatMapperConfig = loadConfig(env)): Promise<ChatHandlers> {
  const h = await startHandlers({
    bus,
    config,
    logger: createLogger({ service: "chat-mapper", level: "silent" }),
    metrics: createMetrics({ service: "chat-mapper" }),
  });
  started.push(h);
  return h;
}

beforeEach(async () => {
  bus = createMemoryBus();
  started = [];
  handlers = await start();
});

afterEach(async () => {
  for (const h of started) h.stop();
  await bus.drain();
});

describe("S2X handler (sip.in.message)", () => {
  it("IM-S2X-11 / IM-S2X-14: answers 200 only after the xmpp-edge took the stanza", async () => {
    const order: string[] = [];
    const edge = fakeXmppEdge(bus, () => {
      order.push("stanza taken");
      return { ok: true };
    });
    const res = await sipIn(bus, sipMessage());
    order.push("response");
    expect(res).toMatchObject({ ok: true, status: 200, reason: "OK" });
    expect(order).toEqual(["stanza taken", "response"]);
    expect(text(child(edge.stanzas[0] ?? x("none"), "body"))).toBe("Lunch at noon?");
  });

  it("IM-S2X-11: answers 202 when configured (RFC 3428 §7)", async () => {
    handlers.stop();
    await start(loadConfig({ ...env, CHAT_MAPPER_S2X_SUCCESS_STATUS: "202" }));
    fakeXmppEdge(bus);
    expect(await sipIn(bus, sipMessage())).toMatchObject({ ok: true, status: 202 });
  });

  it("IM-S2X-12: the 2xx carries no body and no Contact", async () => {
    fakeXmppEdge(bus);
    const res = await sipIn(bus, sipMessage());
    if (!res.ok) throw new Error("failed");
    expect(res.body).toBeUndefined();
    expect((res.headers ?? []).map(([n]) => n.toLowerCase())).not.toContain("contact");
  });

  it.each([
    ["not-found", 404],
    ["timeout", 408],
    ["unavailable", 503],
  ] as const)("IM-S2X-14 / CORE-ERR-17: the xmpp-edge failing with %s gives %i, never 200", async (code, status) => {
    fakeXmppEdge(bus, () => ({ ok: false, error: { code, message: "m", isRetryable: false } }));
    expect(await sipIn(bus, sipMessage())).toMatchObject({ ok: true, status });
  });

  it("IM-S2X-14: with no xmpp-edge at all the answer is 503 with Retry-After", async () => {
    const res = await sipIn(bus, sipMessage());
    expect(res).toMatchObject({ ok: true, status: 503 });
    expect(res.ok && res.headers).toContainEqual(["Retry-After", "5"]);
  });

  it("a second delivery of one transaction is sent again with the same stanza id (at least once, recognisable)", async () => {
    const edge = fakeXmppEdge(bus);
    await sipIn(bus, sipMessage());
    expect(await sipIn(bus, sipMessage())).toMatchObject({ ok: true, status: 200 });
    expect(edge.stanzas).toHaveLength(2);
    expect(edge.stanzas[1]?.attrs.id).toBe(edge.stanzas[0]?.attrs.id);
  });

  it("a stanza delivered while its S2X record could not be stored is still answered 2xx, and counted", async () => {
    handlers.stop();
    // chat-s2x refuses writes (JetStream full, say); every other bucket works.
    const failing: Bus = {
      ...bus,
      kv: async (name, options) => {
        const kv = await bus.kv(name, options);
        if (name !== "chat-s2x") return kv;
        return { ...kv, create: () => Promise.reject(new Error("stream full")) };
      },
    };
    const metrics = createMetrics({ service: "chat-mapper" });
    const h = await startHandlers({
      bus: failing,
      config: loadConfig(env),
      logger: createLogger({ service: "chat-mapper", level: "silent" }),
      metrics,
    });
    started.push(h);
    const edge = fakeXmppEdge(bus);
    // A failure answer here would make the sender retry and the XMPP user get the message twice.
    expect(await sipIn(bus, sipMessage())).toMatchObject({ ok: true, status: 200 });
    expect(edge.stanzas).toHaveLength(1);
    expect(await metrics.render()).toMatch(/stox_chat_mapper_s2x_total\{outcome="delivered-unrecorded"\} 1/);
    // Without the xmpp-edge, the xmpp failure still decides the answer.
    edge.stop();
    expect(await sipIn(bus, sipMessage({ callId: "other-call" }))).toMatchObject({ ok: true, status: 503 });
  });

  it("IM-S2X-13: answers at once; does not wait for any XMPP recipient", async () => {
    const edge = fakeXmppEdge(bus);
    const res = await sipIn(bus, sipMessage(), 2000);
    expect(res).toMatchObject({ status: 200 });
    expect(edge.stanzas).toHaveLength(1);
  });

  it("IM-S2X-20 / IM-S2X-16: not-translated requests never reach the xmpp-edge", async () => {
    const edge = fakeXmppEdge(bus);
    expect(await sipIn(bus, sipMessage({ body: "" }))).toMatchObject({ status: 200 });
    expect(await sipIn(bus, sipMessage({ to: { uri: "sip:alice@xmpp.test", tag: "t" } }))).toMatchObject({
      status: 481,
    });
    expect(edge.stanzas).toHaveLength(0);
  });

  it("an invalid event is answered bad-request (serveRequests)", async () => {
    const msg = await bus.request("stox.v1.sip.in.message", new TextEncoder().encode("{}"), { timeoutMs: 2000 });
    expect(JSON.parse(new TextDecoder().decode(msg.data))).toMatchObject({ ok: false, error: { code: "bad-request" } });
  });
});

describe("X2S handler (xmpp.in.message)", () => {
  it("IM-X2S-01..08: sends the MESSAGE and answers ok after the 200", async () => {
    const edge = fakeSipEdge(bus);
    const reply = await xmppIn(bus, xmppMessage());
    expect(reply.ok).toBe(true);
    expect(edge.requests[0]).toMatchObject({
      method: "MESSAGE",
      requestUri: "sip:bob@sip.test",
      from: { uri: "sip:alice@xmpp.test;gr=phone" },
      to: { uri: "sip:bob@sip.test" },
      callId: "c0ffee-1",
      contentType: "text/plain;charset=UTF-8",
      body: "Grüß dich, Bob!",
      headers: [
        ["Subject", "Treffen"],
        ["Content-Language", "de"],
      ],
    });
    expect(edge.requests[0]?.to.tag).toBeUndefined();
  });

  it("IM-X2S-22: a 404 becomes <item-not-found/> (cancel) with the Reason-Phrase as text", async () => {
    fakeSipEdge(bus, () => ({ ok: true, status: 404, reason: "Not Found", headers: [] }));
    const reply = await xmppIn(bus, xmppMessage());
    expect(reply).toMatchObject({
      ok: false,
      error: { code: "not-found" },
      stanzaError: { type: "cancel", condition: "item-not-found", text: "Not Found" },
    });
  });

  it("IM-X2S-23: a Timer F timeout (local 408) becomes <remote-server-timeout/> (wait)", async () => {
    fakeSipEdge(bus, () => ({ ok: true, status: 408, reason: "Request Timeout", headers: [], isLocal: true }));
    expect(await xmppIn(bus, xmppMessage())).toMatchObject({
      ok: false,
      stanzaError: { type: "wait", condition: "remote-server-timeout" },
    });
  });

  it("IM-X2S-23: no sip-edge gives <remote-server-timeout/>; nothing is dropped silently", async () => {
    expect(await xmppIn(bus, xmppMessage())).toMatchObject({
      ok: false,
      stanzaError: { condition: "remote-server-timeout" },
    });
  });

  it("IM-X2S-11: a second MESSAGE to the same Request-URI waits for the first one's final response", async () => {
    const releases: (() => void)[] = [];
    const edge = fakeSipEdge(
      bus,
      () =>
        new Promise((resolve) => {
          releases.push(() => resolve({ ok: true, status: 200, reason: "OK", headers: [] }));
        }),
    );
    const first = xmppIn(bus, xmppMessage({ id: "m1" }));
    const second = xmppIn(bus, xmppMessage({ id: "m2" }));
    await expect.poll(() => edge.requests.length).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(edge.requests).toHaveLength(1);
    releases[0]?.();
    await expect.poll(() => edge.requests.length).toBe(2);
    releases[1]?.();
    expect((await first).ok && (await second).ok).toBe(true);
  });

  it("IM-TYPE-04: groupchat is answered feature-not-implemented and never reaches SIP", async () => {
    const edge = fakeSipEdge(bus);
    expect(await xmppIn(bus, xmppMessage({ type: "groupchat" }))).toMatchObject({
      ok: false,
      stanzaError: { condition: "feature-not-implemented" },
    });
    expect(edge.requests).toHaveLength(0);
  });

  it("IM-X2S-06: messages of one thread share the Call-ID with increasing CSeq", async () => {
    const edge = fakeSipEdge(bus);
    await xmppIn(bus, xmppMessage({ id: "a" }));
    await xmppIn(bus, xmppMessage({ id: "b" }));
    expect(edge.requests.map((r) => [r.callId, r.cseq])).toEqual([
      ["c0ffee-1", 1],
      ["c0ffee-1", 2],
    ]);
    const bare = x("message", { from: "alice@xmpp.test/a", to: "bob@sip.test" }, x("body", {}, "no thread"));
    await xmppIn(bus, bare);
    expect(edge.requests[2]?.cseq).toBeUndefined(); // a new random Call-ID: the edge's CSeq 1
  });

  it("IM-X2S-06 / IM-S2X-05: a derived Call-ID maps back to the original thread", async () => {
    const sip = fakeSipEdge(bus);
    const xmpp = fakeXmppEdge(bus);
    const thread = "thread with spaces";
    await xmppIn(
      bus,
      x(
        "message",
        { from: "alice@xmpp.test/a", to: "bob@sip.test", id: "q" },
        x("thread", {}, thread),
        x("body", {}, "hi"),
      ),
    );
    const callId = sip.requests[0]?.callId ?? "";
    expect(callId).toMatch(/^t-/);
    await sipIn(bus, sipMessage({ callId, body: "re: hi" }));
    expect(text(child(xmpp.stanzas[0] ?? x("none"), "thread"))).toBe(thread);
  });
});

describe("scope and limits", () => {
  it("IM-GEN-01: only pager-mode MESSAGE is taken; INVITE (sessions) reaches no chat-mapper", async () => {
    await expect(
      bus.request("stox.v1.sip.in.invite", new TextEncoder().encode("{}"), { timeoutMs: 500 }),
    ).rejects.toMatchObject({ code: "STOX_BUS_NO_RESPONDERS" });
  });

  it("IM-SEC-05: over the per-sender rate the SIP sender gets 503 + Retry-After and the XMPP sender resource-constraint", async () => {
    handlers.stop();
    await start(loadConfig({ ...env, CHAT_MAPPER_RATE_PER_SENDER: "1" }));
    const xmpp = fakeXmppEdge(bus);
    fakeSipEdge(bus);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await sipIn(bus, sipMessage({ cseq: i + 1 })));
    expect(answers.map((a) => a.ok && a.status)).toEqual([200, 200, 503]);
    expect(xmpp.stanzas).toHaveLength(2);
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await xmppIn(bus, xmppMessage({ id: `r${i}` })));
    expect(replies[2]).toMatchObject({ ok: false, stanzaError: { condition: "resource-constraint", type: "wait" } });
  });
});

describe("errors after the 2xx (IM-S2X-15, IM-TYPE-05)", () => {
  it("an XMPP error for an S2X stanza becomes a report MESSAGE to the SIP sender and is never answered", async () => {
    const xmpp = fakeXmppEdge(bus);
    const sip = fakeSipEdge(bus);
    await sipIn(bus, sipMessage());
    const id = xmpp.stanzas[0]?.attrs.id ?? "";
    const error = x(
      "message",
      { from: "alice@xmpp.test", to: "bob@sip.test", id, type: "error" },
      x("error", { type: "cancel" }, x("service-unavailable", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" })),
    );
    expect(await xmppIn(bus, error)).toMatchObject({ ok: true });
    expect(sip.requests).toHaveLength(1);
    expect(sip.requests[0]).toMatchObject({
      requestUri: "sip:bob@sip.test",
      from: { uri: "sip:postmaster@xmpp.test" },
      contentType: "text/plain;charset=UTF-8",
    });
    expect(sip.requests[0]?.body).toContain("service-unavailable");
  });

  it("an error for an unknown id is dropped (counted), not answered", async () => {
    const sip = fakeSipEdge(bus);
    const error = x(
      "message",
      { from: "alice@xmpp.test", to: "bob@sip.test", id: "s2x-unknown", type: "error" },
      x("error", { type: "cancel" }),
    );
    expect(await xmppIn(bus, error)).toMatchObject({ ok: true });
    expect(sip.requests).toHaveLength(0);
  });
});

describe("chat states and receipts through the handlers", () => {
  it("XEP-0085 <composing/> -> RFC 3994 isComposing MESSAGE; and back", async () => {
    const sip = fakeSipEdge(bus);
    const xmpp = fakeXmppEdge(bus);
    await xmppIn(
      bus,
      x(
        "message",
        { from: "alice@xmpp.test/a", to: "bob@sip.test", type: "chat" },
        x("composing", { xmlns: "http://jabber.org/protocol/chatstates" }),
      ),
    );
    expect(sip.requests[0]?.contentType).toBe("application/im-iscomposing+xml");
    expect(parseIsComposing(sip.requests[0]?.body ?? "")).toBe("active");
    const idle =
      '<?xml version="1.0"?><isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"><state>idle</state></isComposing>';
    await sipIn(bus, sipMessage({ contentType: "application/im-iscomposing+xml", body: idle }));
    expect(child(xmpp.stanzas[0] ?? x("none"), "paused")).toBeDefined();
  });

  it("SIP IMDN request -> XEP-0184 request; the XMPP receipt -> IMDN 'delivered' back to the SIP sender", async () => {
    const sip = fakeSipEdge(bus);
    const xmpp = fakeXmppEdge(bus);
    const cpim = [
      "From: <sip:bob@sip.test>",
      "To: <sip:alice@xmpp.test>",
      "NS: imdn <urn:ietf:params:imdn>",
      "imdn.Message-ID: 34jk324j",
      "DateTime: 2006-04-04T12:16:49-05:00",
      "imdn.Disposition-Notification: positive-delivery",
      "",
      "Content-Type: text/plain",
      "",
      "Hello World",
    ].join(CRLF);
    await sipIn(bus, sipMessage({ contentType: "message/cpim", body: cpim }));
    const sent = xmpp.stanzas[0] ?? x("none");
    expect(child(sent, "request")).toBeDefined();
    await xmppIn(
      bus,
      x(
        "message",
        { from: "alice@xmpp.test/phone", to: "bob@sip.test", id: "r1" },
        x("received", { xmlns: "urn:xmpp:receipts", id: sent.attrs.id ?? "" }),
      ),
    );
    const imdn = sip.requests[0];
    expect(imdn).toMatchObject({
      requestUri: "sip:bob@sip.test",
      from: { uri: "sip:alice@xmpp.test;gr=phone" },
      contentType: "message/cpim",
    });
    const inner = unwrapCpim(Buffer.from(imdn?.body ?? "", "utf8"));
    expect(parseImdn(Buffer.from(inner.body).toString("utf8"))).toMatchObject({
      messageId: "34jk324j",
      status: "delivered",
    });
  });

  it("XEP-0184 request -> IMDN request; the SIP IMDN 'delivered' -> <received/> to the XMPP sender", async () => {
    const sip = fakeSipEdge(bus);
    const xmpp = fakeXmppEdge(bus);
    await xmppIn(bus, xmppMessage({}, x("request", { xmlns: "urn:xmpp:receipts" })));
    const cpim = unwrapCpim(Buffer.from(sip.requests[0]?.body ?? "", "utf8"));
    const messageId = cpim.headers.find((h) => h.name === "imdn.Message-ID")?.value ?? "";
    const notification = [
      "From: <sip:bob@sip.test>",
      "To: <sip:alice@xmpp.test;gr=phone>",
      "NS: imdn <urn:ietf:params:imdn>",
      "imdn.Message-ID: n1",
      "",
      "Content-Type: message/imdn+xml",
      "Content-Disposition: notification",
      "",
      `<imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>${messageId}</message-id><datetime>2026-11-23T01:00:00Z</datetime><delivery-notification><status><delivered/></status></delivery-notification></imdn>`,
    ].join(CRLF);
    const res = await sipIn(
      bus,
      sipMessage({ requestUri: "sip:alice@xmpp.test;gr=phone", contentType: "message/cpim", body: notification }),
    );
    expect(res).toMatchObject({ status: 200 });
    const receipt = xmpp.stanzas[0] ?? x("none");
    expect(receipt.attrs).toMatchObject({ from: "bob@sip.test", to: "alice@xmpp.test/phone" });
    expect(child(receipt, "received")?.attrs).toEqual({ xmlns: "urn:xmpp:receipts", id: "k7" });
  });
});

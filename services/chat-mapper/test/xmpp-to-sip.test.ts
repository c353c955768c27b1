import { unwrapCpim } from "@stox/msrp-lite";
import { describe, expect, it } from "vitest";
import { isCallId } from "../src/thread-call-id.js";
import { stanzaErrorForSipOutcome } from "../src/x2s-handler.js";
import { mapXmppMessage, type OutgoingMessage, type X2SDecision } from "../src/xmpp-to-sip.js";
import { x, x2sOptions, xmppMessage } from "./fixtures.js";

function sent(d: X2SDecision): OutgoingMessage {
  if (d.kind !== "send") throw new Error(`expected a MESSAGE, got ${JSON.stringify(d)}`);
  return d.message;
}

const header = (m: OutgoingMessage, name: string) => m.headers.find(([n]) => n === name)?.[1];

describe("XMPP message -> SIP MESSAGE (RFC 7572 §4, Table 1)", () => {
  it("IM-X2S-01: maps the im.md §13 example to an out-of-dialog MESSAGE (no To-tag)", () => {
    const m = sent(mapXmppMessage(xmppMessage(), x2sOptions));
    expect(m.requestUri).toBe("sip:bob@sip.test");
    expect(m.toUri).toBe("sip:bob@sip.test");
    expect(m.body).toBe("Grüß dich, Bob!");
    expect(m).not.toHaveProperty("toTag");
  });

  it("IM-X2S-02: From is the sender's AOR with the resource as gr, plus a fresh From-tag", () => {
    const a = sent(mapXmppMessage(xmppMessage(), x2sOptions));
    const b = sent(mapXmppMessage(xmppMessage(), x2sOptions));
    expect(a.fromUri).toBe("sip:alice@xmpp.test;gr=phone");
    expect(a.fromTag).toMatch(/^x2s-[0-9a-f]{16}$/);
    expect(a.fromTag).not.toBe(b.fromTag);
  });

  it("IM-X2S-03: a full-JID to puts the resource as gr in Request-URI and To", () => {
    const m = sent(mapXmppMessage(xmppMessage({ to: "bob@sip.test/desk" }), x2sOptions));
    expect(m.requestUri).toBe("sip:bob@sip.test;gr=desk");
    expect(m.toUri).toBe("sip:bob@sip.test;gr=desk");
  });

  it("IM-X2S-04 / IM-CT-05: the body goes out as text/plain;charset=UTF-8", () => {
    expect(sent(mapXmppMessage(xmppMessage(), x2sOptions)).contentType).toBe("text/plain;charset=UTF-8");
  });

  it("IM-X2S-05: the subject becomes Subject, CR/LF turned into spaces", () => {
    const stanza = x(
      "message",
      { from: "alice@xmpp.test/phone", to: "bob@sip.test" },
      x("subject", {}, "a\r\nb"),
      x("body", {}, "x"),
    );
    expect(header(sent(mapXmppMessage(stanza, x2sOptions)), "Subject")).toBe("a b");
  });

  it("IM-X2S-06: a thread that is a valid Call-ID is the Call-ID; others become t- + 32 base32 characters", () => {
    expect(sent(mapXmppMessage(xmppMessage(), x2sOptions)).callId).toBe("c0ffee-1");
    const spaced = x(
      "message",
      { from: "alice@xmpp.test/a", to: "bob@sip.test" },
      x("thread", {}, "my thread #1"),
      x("body", {}, "x"),
    );
    const m = sent(mapXmppMessage(spaced, x2sOptions));
    expect(m.callId).toMatch(/^t-[a-z2-7]{32}$/);
    expect(m.isCallIdDerived).toBe(true);
    expect(m.thread).toBe("my thread #1");
    expect(isCallId(m.callId)).toBe(true);
    expect(sent(mapXmppMessage(spaced, x2sOptions)).callId).toBe(m.callId); // same thread, same Call-ID
  });

  it("IM-X2S-06: without a thread every message gets a new random Call-ID", () => {
    const bare = x("message", { from: "alice@xmpp.test/a", to: "bob@sip.test" }, x("body", {}, "x"));
    const a = sent(mapXmppMessage(bare, x2sOptions));
    const b = sent(mapXmppMessage(bare, x2sOptions));
    expect(a.callId).not.toBe(b.callId);
    expect(a.thread).toBeUndefined();
  });

  it("IM-X2S-07: the stanza id and the sender's full JID travel with the request for error routing", () => {
    const m = sent(mapXmppMessage(xmppMessage(), x2sOptions));
    expect(m.stanzaId).toBe("k7");
    expect(m.senderJid).toBe("alice@xmpp.test/phone");
    expect(m.targetJid).toBe("bob@sip.test");
  });

  it("IM-X2S-08 / IM-LANG-01 / IM-LANG-02: xml:lang of the body, else of the stanza, becomes Content-Language", () => {
    expect(header(sent(mapXmppMessage(xmppMessage(), x2sOptions)), "Content-Language")).toBe("de");
    const bodyLang = x(
      "message",
      { from: "alice@xmpp.test/a", to: "bob@sip.test" },
      x("body", { "xml:lang": "fr" }, "salut"),
    );
    expect(header(sent(mapXmppMessage(bodyLang, x2sOptions)), "Content-Language")).toBe("fr");
    const none = x("message", { from: "alice@xmpp.test/a", to: "bob@sip.test" }, x("body", {}, "hi"));
    expect(header(sent(mapXmppMessage(none, x2sOptions)), "Content-Language")).toBeUndefined();
  });

  it("IM-X2S-09 / IM-TYPE-02: type chat is translated like normal and not signalled", () => {
    const normal = sent(mapXmppMessage(xmppMessage(), x2sOptions));
    const chat = sent(mapXmppMessage(xmppMessage({ type: "chat" }), x2sOptions));
    expect(chat.headers).toEqual(normal.headers);
    expect(chat.contentType).toBe(normal.contentType);
  });

  it("IM-X2S-10: the request carries no Contact", () => {
    const m = sent(mapXmppMessage(xmppMessage(), x2sOptions));
    expect(m.headers.map(([n]) => n.toLowerCase())).not.toContain("contact");
  });

  it("IM-X2S-13 / IM-SIZE-01 / IM-SIZE-02 / IM-SIZE-04: a MESSAGE over 1300 bytes in all is refused with policy-violation (modify)", () => {
    const fits = "x".repeat(700);
    const tooBig = "x".repeat(1200);
    expect(mapXmppMessage(xmppMessage({}, x("body", { "xml:lang": "de" }, fits)), x2sOptions).kind).toBe("send");
    const d = mapXmppMessage(
      x("message", { from: "alice@xmpp.test/a", to: "bob@sip.test" }, x("body", {}, tooBig)),
      x2sOptions,
    );
    expect(d).toMatchObject({ kind: "refuse", error: { condition: "policy-violation", type: "modify" } });
    expect((d as { error: { text: string } }).error.text).toContain("1300");
  });

  it("IM-SIZE-04: the limit is a setting", () => {
    const big = x("message", { from: "alice@xmpp.test/a", to: "bob@sip.test" }, x("body", {}, "x".repeat(1200)));
    expect(mapXmppMessage(big, { ...x2sOptions, maxSipMessageBytes: 4000 }).kind).toBe("send");
  });

  it("IM-X2S-15: a message without a body (and without chat state or receipt) is not translated and gets no error", () => {
    const d = mapXmppMessage(
      x("message", { from: "alice@xmpp.test/a", to: "bob@sip.test" }, x("x", { xmlns: "jabber:x:oob" })),
      x2sOptions,
    );
    expect(d).toEqual({ kind: "ignore", rule: "IM-X2S-15" });
  });

  it("IM-X2S-16: of several bodies the one in the stanza's language is sent", () => {
    const stanza = x(
      "message",
      { from: "alice@xmpp.test/a", to: "bob@sip.test", "xml:lang": "en" },
      x("body", { "xml:lang": "de" }, "Hallo"),
      x("body", {}, "Hello"),
      x("body", { "xml:lang": "fr" }, "Salut"),
    );
    expect(sent(mapXmppMessage(stanza, x2sOptions)).body).toBe("Hello");
    const fr = { ...stanza, attrs: { ...stanza.attrs, "xml:lang": "fr" } };
    const m = sent(mapXmppMessage(fr, x2sOptions));
    expect(m.body).toBe("Salut");
    expect(header(m, "Content-Language")).toBe("fr");
    const noneMatch = x(
      "message",
      { from: "alice@xmpp.test/a", to: "bob@sip.test", "xml:lang": "ja" },
      x("body", { "xml:lang": "de" }, "Hallo"),
      x("body", { "xml:lang": "fr" }, "Salut"),
    );
    expect(sent(mapXmppMessage(noneMatch, x2sOptions)).body).toBe("Hallo");
  });

  it("IM-X2S-17: of several subjects the same rule picks one", () => {
    const stanza = x(
      "message",
      { from: "alice@xmpp.test/a", to: "bob@sip.test", "xml:lang": "de" },
      x("subject", { "xml:lang": "en" }, "Meeting"),
      x("subject", { "xml:lang": "de" }, "Treffen"),
      x("body", {}, "x"),
    );
    expect(header(sent(mapXmppMessage(stanza, x2sOptions)), "Subject")).toBe("Treffen");
  });

  it("IM-X2S-18: XHTML-IM and other payloads are dropped; only the plain body is sent", () => {
    const html = x(
      "html",
      { xmlns: "http://jabber.org/protocol/xhtml-im" },
      x("body", { xmlns: "http://www.w3.org/1999/xhtml" }, "<b>rich</b>"),
    );
    const m = sent(mapXmppMessage(xmppMessage({}, html), x2sOptions));
    expect(m.body).toBe("Grüß dich, Bob!");
    expect(m.contentType).toBe("text/plain;charset=UTF-8");
  });

  it("IM-X2S-19: no Expires header", () => {
    const m = sent(mapXmppMessage(xmppMessage(), x2sOptions));
    expect(m.headers.map(([n]) => n.toLowerCase())).not.toContain("expires");
  });
});

describe("message types (RFC 7572 §4, RFC 6121 §5.2.2)", () => {
  it.each([[undefined], ["normal"]])("IM-TYPE-01: type %j is translated", (type) => {
    const stanza = type === undefined ? xmppMessage() : xmppMessage({ type });
    expect(mapXmppMessage(stanza, x2sOptions).kind).toBe("send");
  });

  it("IM-TYPE-03: headline is translated, or refused with service-unavailable when configured", () => {
    expect(mapXmppMessage(xmppMessage({ type: "headline" }), x2sOptions).kind).toBe("send");
    expect(mapXmppMessage(xmppMessage({ type: "headline" }), { ...x2sOptions, headline: "deny" })).toMatchObject({
      kind: "refuse",
      error: { condition: "service-unavailable" },
    });
  });

  it("IM-TYPE-04: groupchat is refused with feature-not-implemented (cancel)", () => {
    expect(mapXmppMessage(xmppMessage({ type: "groupchat" }), x2sOptions)).toMatchObject({
      kind: "refuse",
      error: { condition: "feature-not-implemented", type: "cancel" },
    });
  });

  it("IM-TYPE-05: an error message is never translated into a MESSAGE nor refused", () => {
    const error = x(
      "message",
      { from: "alice@xmpp.test", to: "bob@sip.test", id: "s2x-abc", type: "error" },
      x("error", { type: "cancel" }, x("item-not-found", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" })),
    );
    expect(mapXmppMessage(error, x2sOptions)).toMatchObject({
      kind: "error-stanza",
      refId: "s2x-abc",
      condition: "item-not-found",
    });
  });

  it("IM-TYPE-06: an unknown type counts as normal", () => {
    expect(mapXmppMessage(xmppMessage({ type: "shout" }), x2sOptions).kind).toBe("send");
  });
});

describe("X2S admission", () => {
  it("CORE-SEC-07: a sender outside the home XMPP domains is refused with forbidden (auth)", () => {
    expect(mapXmppMessage(xmppMessage({ from: "mallory@evil.test/x" }), x2sOptions)).toMatchObject({
      kind: "refuse",
      error: { condition: "forbidden", type: "auth" },
    });
    expect(mapXmppMessage(xmppMessage(), { ...x2sOptions, linkAuthenticated: false })).toMatchObject({
      kind: "refuse",
      error: { condition: "forbidden" },
    });
  });

  it("CORE-URI-07: a to that is not a valid JID is refused with jid-malformed (modify)", () => {
    expect(mapXmppMessage(xmppMessage({ to: "@sip.test" }), x2sOptions)).toMatchObject({
      kind: "refuse",
      error: { condition: "jid-malformed", type: "modify" },
    });
  });

  it("CORE-SEC-04: a body-carrying stanza with an S2X id has looped back and is refused", () => {
    expect(mapXmppMessage(xmppMessage({ id: "s2x-loop" }), x2sOptions)).toMatchObject({
      kind: "refuse",
      error: { condition: "forbidden" },
    });
  });
});

describe("SIP final response -> what the XMPP sender sees (im.md §2.3)", () => {
  const response = (status: number, reason: string, headers: [string, string][] = []) => ({
    v: 1 as const,
    id: "r",
    at: "t",
    ok: true as const,
    status,
    reason,
    headers,
  });

  it.each([[200], [202]])(
    "IM-X2S-21 / IM-X2S-20 / IM-GEN-02: %i produces no stanza (no receipt: a 2xx does not mean one device got it)",
    (status) => {
      expect(stanzaErrorForSipOutcome(response(status, "OK"))).toBeUndefined();
    },
  );

  it.each([
    [404, "Not Found", "item-not-found", "cancel"],
    [480, "Temporarily Unavailable", "recipient-unavailable", "wait"],
    [603, "Decline", "recipient-unavailable", "wait"],
    [415, "Unsupported Media Type", "not-acceptable", "modify"],
    [408, "Request Timeout", "remote-server-timeout", "wait"],
    [401, "Unauthorized", "not-authorized", "auth"],
    [407, "Proxy Authentication Required", "registration-required", "auth"],
  ])(
    "IM-X2S-22 / IM-X2S-25 / IM-X2S-24: %i becomes <%s/> (%s) with the reason as text",
    (status, reason, condition, type) => {
      expect(stanzaErrorForSipOutcome(response(status, reason))).toEqual({ condition, type, text: reason });
    },
  );

  it("IM-X2S-24: a 302 is not followed; it becomes <redirect/> with the Contact (CORE-ERR-12)", () => {
    const e = stanzaErrorForSipOutcome(response(302, "Moved Temporarily", [["Contact", "<sip:bob@other.test>"]]));
    expect(e).toMatchObject({ condition: "redirect", address: "xmpp:bob@other.test" });
  });

  it.each([
    ["timeout", "remote-server-timeout"],
    ["unavailable", "remote-server-timeout"],
    ["not-found", "remote-server-not-found"],
    ["rate-limited", "resource-constraint"],
  ] as const)("IM-X2S-23 / CORE-ERR-17: an edge-detected %s becomes <%s/>", (code, condition) => {
    const failure = {
      v: 1 as const,
      id: "r",
      at: "t",
      ok: false as const,
      error: { code, message: "m", isRetryable: true },
    };
    expect(stanzaErrorForSipOutcome(failure)?.condition).toBe(condition);
  });
});

describe("IMDN requests on X2S messages (RFC 5438 <- XEP-0184/0333)", () => {
  it("a message asking for a XEP-0184 receipt goes out as CPIM with imdn.Message-ID and positive/negative delivery", () => {
    const m = sent(mapXmppMessage(xmppMessage({}, x("request", { xmlns: "urn:xmpp:receipts" })), x2sOptions));
    expect(m.contentType).toBe("message/cpim");
    const cpim = unwrapCpim(Buffer.from(m.body, "utf8"));
    expect(Buffer.from(cpim.body).toString("utf8")).toBe("Grüß dich, Bob!");
    expect(cpim.headers).toContainEqual({ name: "imdn.Message-ID", value: m.imdn?.messageId });
    expect(cpim.headers).toContainEqual({
      name: "imdn.Disposition-Notification",
      value: "positive-delivery, negative-delivery",
    });
    expect(cpim.ns).toContainEqual({ prefix: "imdn", uri: "urn:ietf:params:imdn" });
  });

  it("a XEP-0333 markable message asks for display notifications", () => {
    const m = sent(mapXmppMessage(xmppMessage({}, x("markable", { xmlns: "urn:xmpp:chat-markers:0" })), x2sOptions));
    expect(m.imdn?.dispositions).toEqual(["display"]);
  });

  it("with receipts off, the request is ignored and plain text is sent", () => {
    const m = sent(
      mapXmppMessage(xmppMessage({}, x("request", { xmlns: "urn:xmpp:receipts" })), { ...x2sOptions, receipts: false }),
    );
    expect(m.contentType).toBe("text/plain;charset=UTF-8");
  });
});

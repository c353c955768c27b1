import type { XmlElement } from "@stox/events";
import { describe, expect, it } from "vitest";
import { mapSipMessage, type S2XDecision, type S2XStanza } from "../src/sip-to-xmpp.js";
import { s2xStanzaId } from "../src/stanza-id.js";
import { child, s2xOptions, sipMessage, text } from "./fixtures.js";

function stanzaOf(d: S2XDecision): XmlElement {
  if (d.kind !== "stanza") throw new Error(`expected a stanza, got ${JSON.stringify(d)}`);
  return d.stanza;
}

const CRLF = "\r\n";

function headersOf(d: S2XDecision): readonly [string, string][] {
  return d.kind === "respond" ? (d.headers ?? []) : [];
}

describe("SIP MESSAGE -> XMPP message (RFC 7572 §5, Table 2)", () => {
  it("IM-S2X-01: maps the im.md §13 example to a <message/> with from, to, id, xml:lang, thread and body", () => {
    const d = mapSipMessage(sipMessage(), s2xOptions);
    const stanza = stanzaOf(d);
    expect(stanza.name).toBe("message");
    expect(stanza.attrs).toEqual({
      from: "bob@sip.test",
      to: "alice@xmpp.test",
      id: s2xStanzaId("4f1d2a@host.sip.test", 1, "z9hG4bK776asdhds"),
      "xml:lang": "en",
    });
    expect(text(child(stanza, "thread"))).toBe("4f1d2a@host.sip.test");
    expect(text(child(stanza, "body"))).toBe("Lunch at noon?");
  });

  it("IM-S2X-02 / IM-TYPE-07: the stanza carries no type attribute (normal)", () => {
    expect(stanzaOf(mapSipMessage(sipMessage(), s2xOptions)).attrs.type).toBeUndefined();
  });

  it("IM-S2X-03: a gr on the From URI becomes the resource of from (CORE-ADDR-17); none gives the bare JID", () => {
    const withGr = mapSipMessage(
      sipMessage({ from: { uri: "sip:bob@sip.test;gr=urn:uuid:f81d", tag: "1" } }),
      s2xOptions,
    );
    expect(stanzaOf(withGr).attrs.from).toBe("bob@sip.test/urn:uuid:f81d");
    expect(stanzaOf(mapSipMessage(sipMessage(), s2xOptions)).attrs.from).toBe("bob@sip.test");
  });

  it("IM-S2X-04: to comes from the Request-URI; a gr there targets one resource", () => {
    const d = mapSipMessage(sipMessage({ requestUri: "sip:alice@xmpp.test;gr=phone" }), s2xOptions);
    expect(stanzaOf(d).attrs.to).toBe("alice@xmpp.test/phone");
  });

  it("IM-S2X-05: the Call-ID becomes <thread/>, or the original thread when the X2S derived the Call-ID", () => {
    const plain = stanzaOf(mapSipMessage(sipMessage({ callId: "abc@h" }), s2xOptions));
    expect(text(child(plain, "thread"))).toBe("abc@h");
    const back = stanzaOf(mapSipMessage(sipMessage({ callId: "t-xyz" }), s2xOptions, "a thread with spaces"));
    expect(text(child(back, "thread"))).toBe("a thread with spaces");
  });

  it("IM-S2X-06: Subject becomes <subject/> (compact form s too)", () => {
    const req = sipMessage({ headers: [...sipMessage().headers, ["s", "Mittagessen"]] });
    expect(text(child(stanzaOf(mapSipMessage(req, s2xOptions)), "subject"))).toBe("Mittagessen");
  });

  it.each([
    ["de-CH, en", "de-CH"],
    ["en", "en"],
    ["not a tag!", undefined],
  ])("IM-S2X-07 / IM-LANG-01 / IM-LANG-03: Content-Language %j gives xml:lang %j", (value, lang) => {
    const req = sipMessage({ headers: [["Content-Language", value]] });
    expect(stanzaOf(mapSipMessage(req, s2xOptions)).attrs["xml:lang"]).toBe(lang);
  });

  it("IM-S2X-08 / IM-CT-01 / IM-LANG-04: text/plain with non-ASCII text becomes the body as characters", () => {
    const body = "Grüß Gott, 日本 🎉";
    const stanza = stanzaOf(mapSipMessage(sipMessage({ body }), s2xOptions));
    expect(text(child(stanza, "body"))).toBe(body);
  });

  it("IM-S2X-09: the id is s2x- + 22 base64url characters of SHA-256(Call-ID, CSeq, branch), stable per transaction", () => {
    const a = mapSipMessage(sipMessage(), s2xOptions) as S2XStanza;
    const b = mapSipMessage(sipMessage(), s2xOptions) as S2XStanza;
    const c = mapSipMessage(sipMessage({ cseq: 2 }), s2xOptions) as S2XStanza;
    expect(a.stanzaId).toMatch(/^s2x-[A-Za-z0-9_-]{22}$/);
    expect(b.stanzaId).toBe(a.stanzaId);
    expect(c.stanzaId).not.toBe(a.stanzaId);
  });

  it("IM-S2X-10: CSeq is not mapped (no stanza field changes with it except the id)", () => {
    const a = stanzaOf(mapSipMessage(sipMessage({ cseq: 1 }), s2xOptions));
    const b = stanzaOf(mapSipMessage(sipMessage({ cseq: 77 }), s2xOptions));
    expect({ ...a, attrs: { ...a.attrs, id: "" } }).toEqual({ ...b, attrs: { ...b.attrs, id: "" } });
  });

  it("IM-S2X-16: a MESSAGE with a To-tag (inside a dialog the IM function never made) gets 481", () => {
    const d = mapSipMessage(sipMessage({ to: { uri: "sip:alice@xmpp.test", tag: "abc" } }), s2xOptions);
    expect(d).toMatchObject({ kind: "respond", status: 481 });
  });

  it("IM-S2X-17: an unsupported Require gets 420 with Unsupported", () => {
    const d = mapSipMessage(sipMessage({ headers: [["Require", "foo, bar"]] }), s2xOptions);
    expect(d).toMatchObject({ kind: "respond", status: 420, headers: [["Unsupported", "foo, bar"]] });
  });

  it("IM-S2X-18: the charset parameter decodes the body; an unknown charset gets 415 with Accept", () => {
    const latin1 = Buffer.from("Grüße", "latin1").toString("base64");
    const ok = mapSipMessage(
      sipMessage({ contentType: "text/plain;charset=ISO-8859-1", body: latin1, bodyEncoding: "base64" }),
      s2xOptions,
    );
    expect(text(child(stanzaOf(ok), "body"))).toBe("Grüße");
    const bad = mapSipMessage(sipMessage({ contentType: "text/plain;charset=x-klingon" }), s2xOptions);
    expect(bad).toMatchObject({ kind: "respond", status: 415 });
    expect(headersOf(bad)[0]?.[0]).toBe("Accept");
  });

  it("IM-S2X-18: bytes that are not valid in the declared UTF-8 get 415", () => {
    const d = mapSipMessage(
      sipMessage({ body: Buffer.from([0x66, 0xff, 0x66]).toString("base64"), bodyEncoding: "base64" }),
      s2xOptions,
    );
    expect(d).toMatchObject({ kind: "respond", status: 415 });
  });

  it("IM-S2X-19: characters XML 1.0 forbids become U+FFFD", () => {
    const stanza = stanzaOf(mapSipMessage(sipMessage({ body: "a\u0001b\uFFFEc\uD800d\te" }), s2xOptions));
    expect(text(child(stanza, "body"))).toBe("a\uFFFDb\uFFFDc\uFFFDd\te");
  });

  it("IM-S2X-20: an empty body without Subject gets 200 and no stanza", () => {
    expect(mapSipMessage(sipMessage({ body: "" }), s2xOptions)).toMatchObject({ kind: "respond", status: 200 });
    expect(mapSipMessage(sipMessage({ body: undefined }), s2xOptions)).toMatchObject({ kind: "respond", status: 200 });
  });

  it("IM-S2X-21: Expires and Date are ignored and the message is delivered", () => {
    const req = sipMessage({
      headers: [
        ["Expires", "0"],
        ["Date", "Sat, 13 Nov 2010 23:29:00 GMT"],
      ],
    });
    expect(mapSipMessage(req, s2xOptions).kind).toBe("stanza");
  });

  it("IM-SIZE-05: a stanza above the XMPP link's limit gets 413", () => {
    const d = mapSipMessage(sipMessage({ body: "x".repeat(20_000) }), s2xOptions);
    expect(d).toMatchObject({ kind: "respond", status: 413 });
  });
});

describe("S2X admission (core.md checks before mapping)", () => {
  it("IM-S2X-01 / CORE-SEC-02 / CORE-URI-04: a sips: Request-URI gets 416 and nothing is translated", () => {
    const d = mapSipMessage(sipMessage({ requestUri: "sips:alice@xmpp.test" }), s2xOptions);
    expect(d).toMatchObject({ kind: "respond", status: 416 });
  });

  it("IM-S2X-01 / CORE-SEC-06: an untrusted hop gets 403", () => {
    const d = mapSipMessage(sipMessage(), { ...s2xOptions, sipHopTrust: "untrusted" });
    expect(d).toMatchObject({ kind: "respond", status: 403 });
  });

  it("IM-S2X-01 / CORE-URI-07: a target that cannot be mapped gets 404; a sender outside the home domains 403", () => {
    expect(mapSipMessage(sipMessage({ requestUri: "sip:%FF@xmpp.test" }), s2xOptions)).toMatchObject({ status: 404 });
    expect(mapSipMessage(sipMessage({ from: { uri: "sip:eve@evil.test", tag: "1" } }), s2xOptions)).toMatchObject({
      status: 403,
    });
  });

  it("IM-SEC-04 / CORE-SEC-08: with a trusted hop the sender is the P-Asserted-Identity, not From", () => {
    const req = sipMessage({
      headers: [["P-Asserted-Identity", '"Bob" <sip:bob@sip.test>']],
      from: { uri: "sip:anyone@sip.test", tag: "1" },
    });
    expect(stanzaOf(mapSipMessage(req, { ...s2xOptions, sipHopTrust: "trusted" })).attrs.from).toBe("bob@sip.test");
  });

  it("IM-SEC-04 / CORE-SEC-08: CPIM From/To never change the sender or the target", () => {
    const cpim = [
      "From: Mallory <im:mallory@evil.test>",
      "To: <im:carol@xmpp.test>",
      "",
      "Content-Type: text/plain",
      "",
      "hi",
    ].join(CRLF);
    const stanza = stanzaOf(mapSipMessage(sipMessage({ contentType: "message/cpim", body: cpim }), s2xOptions));
    expect(stanza.attrs).toMatchObject({ from: "bob@sip.test", to: "alice@xmpp.test" });
    expect(text(child(stanza, "body"))).toBe("hi");
  });

  it("CORE-SEC-04: a MESSAGE whose From-tag the X2S made has looped back and gets 482", () => {
    const d = mapSipMessage(sipMessage({ from: { uri: "sip:bob@sip.test", tag: "x2s-0011" } }), s2xOptions);
    expect(d).toMatchObject({ kind: "respond", status: 482 });
  });
});

describe("content types (RFC 7572 §7)", () => {
  const multipart = (parts: [string, string][]) =>
    [...parts.flatMap(([t, b]) => ["--XyZ", `Content-Type: ${t}`, "", b]), "--XyZ--", ""].join(CRLF);

  it("IM-CT-03: message/cpim is unwrapped and its text/plain content becomes the body (RFC 3862 §6 example)", () => {
    const body = [
      "From: MR SANDERS <im:piglet@100akerwood.com>",
      "To: Depressed Donkey <im:eeyore@100akerwood.com>",
      "DateTime: 2000-12-13T13:40:00-08:00",
      "Subject: the weather will be fine today",
      "",
      "Content-type: text/plain",
      "Content-ID: <1234567890@foo.com>",
      "",
      "Here is the text of my message.",
    ].join(CRLF);
    const stanza = stanzaOf(mapSipMessage(sipMessage({ contentType: "message/cpim", body }), s2xOptions));
    expect(text(child(stanza, "body"))).toBe("Here is the text of my message.");
  });

  it("IM-CT-03: multipart/alternative uses its text/plain part", () => {
    const body = multipart([
      ["text/html", "<b>hi</b>"],
      ["text/plain;charset=UTF-8", "hi"],
    ]);
    const req = sipMessage({ contentType: "multipart/alternative;boundary=XyZ", body });
    expect(text(child(stanzaOf(mapSipMessage(req, s2xOptions)), "body"))).toBe("hi");
  });

  it("IM-CT-03: multipart/mixed without a text/plain part gets 415", () => {
    const req = sipMessage({
      contentType: "multipart/mixed;boundary=XyZ",
      body: multipart([["image/png", "PNG"]]),
    });
    expect(mapSipMessage(req, s2xOptions)).toMatchObject({ kind: "respond", status: 415 });
  });

  it.each([
    ["application/vnd.example+json", "IM-CT-04"],
    ["text/html", "IM-CT-02 (html=reject mode)"],
    ["application/pkcs7-mime; smime-type=enveloped-data", "IM-SEC-03"],
    ['multipart/signed;boundary=XyZ;protocol="application/pkcs7-signature"', "IM-SEC-03"],
  ])("IM-CT-04 / IM-CT-02 / IM-SEC-03: %s gets 415 with Accept (%s)", (contentType) => {
    const d = mapSipMessage(sipMessage({ contentType, body: "{}" }), s2xOptions);
    expect(d).toMatchObject({ kind: "respond", status: 415 });
    const accept = headersOf(d).find(([n]) => n === "Accept")?.[1];
    expect(accept).toContain("text/plain");
    expect(accept).not.toContain("text/html");
  });

  it("IM-CT-04: a Content-Encoding other than identity gets 415 with Accept-Encoding: identity", () => {
    const d = mapSipMessage(sipMessage({ headers: [["Content-Encoding", "gzip"]] }), s2xOptions);
    expect(d).toMatchObject({ kind: "respond", status: 415 });
    expect(headersOf(d)).toContainEqual(["Accept-Encoding", "identity"]);
  });
});

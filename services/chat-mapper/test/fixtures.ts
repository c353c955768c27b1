import type { SipRequestReceived, XmlElement } from "@stox/events";
import { createDomainPolicy } from "@stox/stox-core";
import type { S2XOptions } from "../src/sip-to-xmpp.js";
import type { X2SOptions } from "../src/xmpp-to-sip.js";

// Identities of the digests (core.md §0): XMPP user alice@xmpp.test, SIP user bob@sip.test.
export const policy = createDomainPolicy({ sipDomains: ["sip.test"], xmppDomains: ["xmpp.test"] });

export const s2xOptions: S2XOptions = {
  policy,
  sipHopTrust: "authenticated",
  maxStanzaBytes: 10_000,
  chatStates: true,
  receipts: true,
};

export const x2sOptions: X2SOptions = {
  policy,
  maxSipMessageBytes: 1300,
  headline: "allow",
  chatStates: true,
  receipts: true,
  linkAuthenticated: true,
};

/** The S2X skeleton of im.md §13 ("Lunch at noon?"), overridable field by field. */
export function sipMessage(over: Partial<SipRequestReceived> = {}): SipRequestReceived {
  return {
    v: 1,
    id: "0b8f6a4e-2f52-4c1e-9d1e-000000000001",
    at: "2026-11-23T01:00:00.000Z",
    method: "MESSAGE",
    requestUri: "sip:alice@xmpp.test",
    from: { uri: "sip:bob@sip.test", tag: "49583" },
    to: { uri: "sip:alice@xmpp.test" },
    callId: "4f1d2a@host.sip.test",
    cseq: 1,
    headers: [
      ["Via", "SIP/2.0/TLS proxy.sip.test;branch=z9hG4bK776asdhds"],
      ["Max-Forwards", "69"],
      ["Content-Language", "en"],
    ],
    transport: {
      protocol: "tls",
      remote: { address: "127.0.0.1", port: 5061 },
      local: { address: "127.0.0.1", port: 5062 },
    },
    contentType: "text/plain;charset=UTF-8",
    body: "Lunch at noon?",
    ...over,
  };
}

/** Builds a stanza tree the way the xmpp-edge delivers it. */
export function x(name: string, attrs: Record<string, string> = {}, ...children: (XmlElement | string)[]): XmlElement {
  return { name, attrs, children };
}

/** The X2S skeleton of im.md §13 ("Grüß dich, Bob!"). */
export function xmppMessage(attrs: Record<string, string> = {}, ...extra: XmlElement[]): XmlElement {
  return x(
    "message",
    { from: "alice@xmpp.test/phone", to: "bob@sip.test", id: "k7", "xml:lang": "de", ...attrs },
    x("subject", {}, "Treffen"),
    x("thread", {}, "c0ffee-1"),
    x("body", {}, "Grüß dich, Bob!"),
    ...extra,
  );
}

export function child(e: XmlElement, name: string): XmlElement | undefined {
  return e.children.find((c): c is XmlElement => typeof c !== "string" && c.name === name);
}

export function text(e: XmlElement | undefined): string | undefined {
  return e?.children.filter((c): c is string => typeof c === "string").join("");
}

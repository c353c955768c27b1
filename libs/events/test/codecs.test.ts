import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EventDecodeError,
  fromKvKey,
  newEventId,
  nowIso,
  type SipRequestReceived,
  sipRequestReceived,
  sipResponseCommandCodec,
  toKvKey,
  type XmppStanzaReceived,
  xmppStanzaReceivedCodec,
} from "../src/index.js";

const sipMessage: SipRequestReceived = {
  v: 1,
  id: newEventId(),
  at: nowIso(),
  method: "MESSAGE",
  requestUri: "sip:juliet@xmpp.test",
  from: { uri: "sip:romeo@sip.test", displayName: "Roméo", tag: "49583" },
  to: { uri: "sip:juliet@xmpp.test" },
  callId: "asd88asd77a@1.2.3.4",
  cseq: 1,
  headers: [["Max-Forwards", "70"]],
  transport: {
    protocol: "udp",
    remote: { address: "127.0.0.1", port: 5070 },
    local: { address: "127.0.0.1", port: 5060 },
  },
  contentType: "text/plain",
  body: "Art thou not Romeo, and a Montague? ✓",
};

const stanza: XmppStanzaReceived = {
  v: 1,
  id: newEventId(),
  at: nowIso(),
  stream: { mode: "component" },
  stanza: {
    name: "message",
    attrs: { from: "juliet@xmpp.test/balcony", to: "romeo@sip.test", type: "chat", id: "m1" },
    children: [
      { name: "body", attrs: {}, children: ["Neither, fair saint"] },
      { name: "x", attrs: { xmlns: "urn:example:unknown" }, children: [{ name: "y", attrs: {}, children: [] }] },
    ],
  },
};

describe("event codecs", () => {
  it("round-trips a SIP request event, non-ASCII text included", () => {
    const codec = sipRequestReceived("message");
    expect(codec.subject).toBe("stox.v1.sip.in.message");
    expect(codec.decode(codec.encode(sipMessage))).toEqual(sipMessage);
  });

  it("keeps unknown stanza children through a round trip", () => {
    expect(xmppStanzaReceivedCodec.decode(xmppStanzaReceivedCodec.encode(stanza))).toEqual(stanza);
  });

  it("names the missing field in the decode error", () => {
    const { callId: _, ...withoutCallId } = sipMessage;
    const bytes = new TextEncoder().encode(JSON.stringify(withoutCallId));
    const err = (() => {
      try {
        sipRequestReceived("message").decode(bytes);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EventDecodeError);
    expect((err as EventDecodeError).issues.join()).toMatch(/^callId/);
    expect((err as EventDecodeError).isRetryable).toBe(false);
  });

  it("rejects a payload of the wrong version", () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ ...sipMessage, v: 2 }));
    expect(() => sipRequestReceived("message").decode(bytes)).toThrow(EventDecodeError);
  });

  it("tells apart the two shapes of a reply", () => {
    const ok = { v: 1, id: "r1", at: nowIso(), ok: true, status: 200, reason: "OK" } as const;
    const failed = {
      v: 1,
      id: "r2",
      at: nowIso(),
      ok: false,
      error: { code: "timeout", message: "no answer", isRetryable: true },
    } as const;
    expect(sipResponseCommandCodec.decode(sipResponseCommandCodec.encode(ok))).toEqual(ok);
    expect(sipResponseCommandCodec.decode(sipResponseCommandCodec.encode(failed))).toEqual(failed);
    const bad = new TextEncoder().encode(JSON.stringify({ ...failed, error: { code: "nope" } }));
    expect(() => sipResponseCommandCodec.decode(bad)).toThrow(EventDecodeError);
  });

  it("throws only EventDecodeError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        try {
          xmppStanzaReceivedCodec.decode(bytes);
        } catch (e) {
          return e instanceof EventDecodeError;
        }
        return true;
      }),
    );
  });

  it("throws only EventDecodeError on arbitrary JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          sipRequestReceived("message").decode(new TextEncoder().encode(JSON.stringify(value)));
        } catch (e) {
          return e instanceof EventDecodeError;
        }
        return true;
      }),
    );
  });
});

describe("kv keys", () => {
  it("encodes any address into the JetStream key alphabet and back", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme" }), { minLength: 1, maxLength: 4 }), (parts) => {
        const key = toKvKey(...parts);
        expect(key).toMatch(/^[-_=/.A-Za-z0-9]+$/);
        expect(fromKvKey(key)).toEqual(parts);
      }),
    );
  });

  it("keeps a readable prefix structure", () => {
    expect(toKvKey("alice@xmpp.test", "bob@sip.test").split(".")).toHaveLength(2);
  });
});

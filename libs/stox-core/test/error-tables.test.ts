import { describe, expect, it } from "vitest";
import {
  DEFAULT_ERROR_TYPE,
  ErrorMappingError,
  errorReplyHead,
  mayReplyWithError,
  STANZA_ERROR_CONDITIONS,
  s2xFailureToSipResponse,
  sipResponseToXmppError,
  x2sFailureToXmppError,
  xmppErrorToSip,
} from "../src/index.js";
import { CLASS_DEFAULTS, TABLE_A, TABLE_B } from "./fixtures/rfc7247-error-tables.js";

describe("Table A: XMPP condition -> SIP status (RFC 7247 §7.1)", () => {
  it("CORE-ERR-04: Table A has a row for each of the 22 RFC 6120 conditions", () => {
    expect(TABLE_A.map(([c]) => c).sort()).toEqual([...STANZA_ERROR_CONDITIONS].sort());
  });

  it.each(TABLE_A)("%s: %i for a full JID target (%s)", (condition, fullJid, _bare, _ids) => {
    expect(xmppErrorToSip({ condition, targetIsFullJid: true }).status).toBe(fullJid);
  });

  it.each(TABLE_A.map(([c, , bare, ids]) => [c, bare, ids] as const))(
    "%s: %i for a bare JID target (%s)",
    (condition, bareJid) => {
      expect(xmppErrorToSip({ condition, targetIsFullJid: false }).status).toBe(bareJid);
    },
  );

  it("CORE-ERR-05: feature-not-implemented is 405 for a full JID and 501 for a bare JID", () => {
    expect(xmppErrorToSip({ condition: "feature-not-implemented", targetIsFullJid: true }).status).toBe(405);
    expect(xmppErrorToSip({ condition: "feature-not-implemented" }).status).toBe(501);
  });

  it("CORE-ERR-06: forbidden/item-not-found/not-acceptable/recipient-unavailable use 4xx for full JIDs, 6xx for bare", () => {
    for (const condition of ["forbidden", "item-not-found", "not-acceptable", "recipient-unavailable"]) {
      expect(Math.floor(xmppErrorToSip({ condition, targetIsFullJid: true }).status / 100)).toBe(4);
      expect(Math.floor(xmppErrorToSip({ condition, targetIsFullJid: false }).status / 100)).toBe(6);
    }
  });

  it("CORE-ERR-07: gone with an xmpp: address becomes 301 with the address mapped to a SIP Contact", () => {
    const r = xmppErrorToSip({ condition: "gone", address: "xmpp:o%5C27neil@xmpp.test" });
    expect(r).toEqual({ status: 301, reasonPhrase: "Moved Permanently", contact: "sip:o'neil@xmpp.test" });
  });

  it("CORE-ERR-07: gone with a non-xmpp address copies it; gone without address is 410", () => {
    expect(xmppErrorToSip({ condition: "gone", address: " mailto:a@b.test " }).contact).toBe("mailto:a@b.test");
    expect(xmppErrorToSip({ condition: "gone", address: "   " }).status).toBe(410);
    expect(xmppErrorToSip({ condition: "gone" })).toEqual({ status: 410, reasonPhrase: "Gone" });
  });

  it("CORE-ERR-04: redirect is 302, with the alternate address (if any) as Contact", () => {
    expect(xmppErrorToSip({ condition: "redirect", address: "xmpp:bob@xmpp.test/pc" })).toEqual({
      status: 302,
      reasonPhrase: "Moved Temporarily",
      contact: "sip:bob@xmpp.test;gr=pc",
    });
    expect(xmppErrorToSip({ condition: "redirect" })).not.toHaveProperty("contact");
  });

  it("CORE-ERR-08: remote-server-not-found is 404 by default and when the server does not exist, 408 when unresolvable", () => {
    expect(xmppErrorToSip({ condition: "remote-server-not-found" }).status).toBe(404);
    expect(xmppErrorToSip({ condition: "remote-server-not-found", remoteServer: "does-not-exist" }).status).toBe(404);
    expect(xmppErrorToSip({ condition: "remote-server-not-found", remoteServer: "unresolvable" }).status).toBe(408);
  });

  it("CORE-ERR-09: service-unavailable never becomes 503; 403 by default, 405 on request", () => {
    expect(xmppErrorToSip({ condition: "service-unavailable" }).status).toBe(403);
    expect(xmppErrorToSip({ condition: "service-unavailable", serviceUnavailableStatus: 405 }).status).toBe(405);
  });

  it("CORE-ERR-19: unexpected-request becomes 400, not 491", () => {
    expect(xmppErrorToSip({ condition: "unexpected-request" }).status).toBe(400);
  });

  it("CORE-ERR-03: the <text/> becomes the Reason-Phrase, cleaned of line breaks", () => {
    expect(xmppErrorToSip({ condition: "item-not-found", text: "No such\r\nuser" }).reasonPhrase).toBe("No such user");
    expect(xmppErrorToSip({ condition: "item-not-found", targetIsFullJid: true }).reasonPhrase).toBe("Not Found");
  });

  it("CORE-ERR-02: no XMPP condition maps to a 1xx or 2xx, and unknown conditions are refused", () => {
    for (const condition of STANZA_ERROR_CONDITIONS) {
      for (const targetIsFullJid of [true, false]) {
        const { status } = xmppErrorToSip({ condition, targetIsFullJid, address: "xmpp:a@b.test" });
        expect(status).toBeGreaterThanOrEqual(300);
        expect(status).toBeLessThan(700);
      }
    }
    expect(() => xmppErrorToSip({ condition: "payment-required" })).toThrow(ErrorMappingError);
  });
});

describe("Table B: SIP status -> XMPP condition (RFC 7247 §7.2)", () => {
  it.each(TABLE_B)("CORE-ERR-10: SIP %i -> <%s/> type=%s (CORE-ERR-15)", (status, condition, type) => {
    const contact = status === 301 ? "sip:new@sip.test" : undefined;
    const error = sipResponseToXmppError({ status, ...(contact && { contact }) });
    expect(error.condition).toBe(condition);
    expect(error.type).toBe(type);
  });

  it.each(CLASS_DEFAULTS)("CORE-ERR-10: unlisted SIP %i maps by class to <%s/> type=%s", (status, condition, type) => {
    const error = sipResponseToXmppError({ status });
    expect([error.condition, error.type]).toEqual([condition, type]);
  });

  it("CORE-ERR-02: SIP 1xx and 2xx (and out-of-range codes) are never mapped to an XMPP error", () => {
    for (const status of [100, 180, 183, 199, 200, 202, 299, 700, 99, 301.5]) {
      expect(() => sipResponseToXmppError({ status })).toThrow(ErrorMappingError);
    }
  });

  it("CORE-ERR-11: 301 becomes <gone/> carrying the new address as an xmpp: IRI when it maps to a JID", () => {
    const error = sipResponseToXmppError({ status: 301, contact: "sip:Bob.New@sip.test;transport=tcp" });
    expect(error).toMatchObject({ condition: "gone", type: "cancel", address: "xmpp:bob.new@sip.test" });
  });

  it("CORE-ERR-11: 301 whose Contact does not map carries the SIP URI text; 410 never carries an address", () => {
    expect(sipResponseToXmppError({ status: 301, contact: "tel:+15551234" }).address).toBe("tel:+15551234");
    const gone = sipResponseToXmppError({ status: 410, contact: "sip:other@sip.test" });
    expect(gone.condition).toBe("gone");
    expect(gone.address).toBeUndefined();
  });

  it("CORE-ERR-11: 301 without any Contact has no address to carry and falls back to <redirect/>", () => {
    expect(sipResponseToXmppError({ status: 301 }).condition).toBe("redirect");
  });

  it("CORE-ERR-12: 3xx mapped to <redirect/> carries the first Contact as character data", () => {
    const error = sipResponseToXmppError({ status: 302, contact: "sip:alice@sip.test;gr=pc" });
    expect(error).toMatchObject({ condition: "redirect", address: "xmpp:alice@sip.test/pc" });
    expect(sipResponseToXmppError({ status: 380, contact: "sip:x@sip.test" }).address).toBeUndefined();
  });

  it("CORE-ERR-13: scenario alternatives for 403, 404 and 408, primary entries by default", () => {
    expect(sipResponseToXmppError({ status: 403 }).condition).toBe("forbidden");
    expect(sipResponseToXmppError({ status: 403, alternative: "not-allowed" }).condition).toBe("not-allowed");
    expect(sipResponseToXmppError({ status: 403, alternative: "policy-violation" }).type).toBe("modify");
    expect(sipResponseToXmppError({ status: 404, alternative: "remote-server-not-found" }).type).toBe("cancel");
    expect(sipResponseToXmppError({ status: 408, alternative: "remote-server-not-found" }).condition).toBe(
      "remote-server-not-found",
    );
    expect(() => sipResponseToXmppError({ status: 486, alternative: "not-allowed" })).toThrow(ErrorMappingError);
  });

  it("CORE-ERR-03: the Reason-Phrase becomes <text/> (no xml:lang); an empty phrase gives no <text/>", () => {
    const error = sipResponseToXmppError({ status: 486, reasonPhrase: "Busy Here" });
    expect(error).toEqual({ condition: "recipient-unavailable", type: "wait", text: "Busy Here" });
    expect(sipResponseToXmppError({ status: 486, reasonPhrase: " " })).not.toHaveProperty("text");
  });

  it("CORE-ERR-01: SIP's finer codes collapse onto one condition (413/414, 415/416)", () => {
    expect(sipResponseToXmppError({ status: 413 }).condition).toBe(sipResponseToXmppError({ status: 414 }).condition);
    expect(sipResponseToXmppError({ status: 415 }).condition).toBe(sipResponseToXmppError({ status: 416 }).condition);
  });
});

describe("stanza error construction and gateway-detected failures", () => {
  it("CORE-ERR-15: every condition has the RFC 6120 §8.3.3 default type", () => {
    expect(DEFAULT_ERROR_TYPE).toMatchObject({
      forbidden: "auth",
      "recipient-unavailable": "wait",
      "jid-malformed": "modify",
    });
    expect(Object.keys(DEFAULT_ERROR_TYPE)).toHaveLength(22);
  });

  it("CORE-ERR-14: the error reply swaps from/to, keeps the id and element name, type=error", () => {
    const head = errorReplyHead({
      name: "message",
      from: "alice@xmpp.test/pc",
      to: "bob@sip.test",
      id: "m1",
      type: "chat",
    });
    expect(head).toEqual({ name: "message", type: "error", from: "bob@sip.test", to: "alice@xmpp.test/pc", id: "m1" });
  });

  it("CORE-ERR-16: an error stanza is never answered with an error, a SIP response is never answered", () => {
    expect(errorReplyHead({ name: "iq", from: "a@b.test", to: "c@d.test", id: "1", type: "error" })).toBeUndefined();
    expect(mayReplyWithError({ kind: "stanza", name: "presence", type: "error" })).toBe(false);
    expect(mayReplyWithError({ kind: "sip-response" })).toBe(false);
    expect(mayReplyWithError({ kind: "sip-request" })).toBe(true);
    expect(mayReplyWithError({ kind: "stanza", name: "message", type: "chat" })).toBe(true);
  });

  it.each([
    ["dns-failure", "remote-server-not-found", "cancel"],
    ["connect-failure", "remote-server-timeout", "wait"],
    ["tls-failure", "remote-server-timeout", "wait"],
    ["transaction-timeout", "remote-server-timeout", "wait"],
    ["overload", "resource-constraint", "wait"],
  ] as const)("CORE-ERR-17: X2S-detected %s becomes <%s/> type=%s", (failure, condition, type) => {
    expect(x2sFailureToXmppError(failure)).toEqual({ condition, type });
  });

  it.each([
    ["s2s-host-not-found", undefined, 404],
    ["s2s-unresolvable", undefined, 408],
    ["s2s-timeout", undefined, 408],
    ["overload", undefined, 500],
    ["overload", 30, 503],
  ] as const)("CORE-ERR-17: S2X-detected %s (Retry-After %s) becomes SIP %i", (failure, retry, status) => {
    const response = s2xFailureToSipResponse(failure, retry);
    expect(response.status).toBe(status);
    expect(response.retryAfterSeconds).toBe(retry);
  });

  it("CORE-ERR-18: 401 and 407 map to not-authorized and registration-required (after the edge's one retry)", () => {
    expect(sipResponseToXmppError({ status: 401 }).condition).toBe("not-authorized");
    expect(sipResponseToXmppError({ status: 407 }).condition).toBe("registration-required");
  });
});

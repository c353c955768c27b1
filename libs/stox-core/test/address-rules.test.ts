import { describe, expect, it } from "vitest";
import {
  AddressMappingError,
  chooseUriScheme,
  domainsEqual,
  escapeLocalpart,
  formatAddressUri,
  formatJid,
  jidEquals,
  jidKey,
  jidToUri,
  mapUriToJid,
  parseJid,
  sipAorKey,
  sipResponseForUnmappable,
  stanzaErrorForUnmappable,
  toJidDomain,
  toSipHost,
  unescapeLocalpart,
  uriToJid,
} from "../src/index.js";

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AddressMappingError) return error.reason;
    throw error;
  }
  return undefined;
}

describe("local-part conversion (RFC 7247 §6.2)", () => {
  it("CORE-ADDR-01: undo source escaping, keep what the destination allows, escape the rest", () => {
    // '+' and '!' are legal on both sides and pass untouched in both directions.
    expect(formatJid(uriToJid("sip:a+b!c@sip.test"))).toBe("a+b!c@sip.test");
    expect(formatAddressUri(jidToUri("a+b!c@sip.test"))).toBe("sip:a+b!c@sip.test");
    // a needlessly escaped SIP character is decoded and not re-escaped: %61 is 'a'.
    expect(formatJid(uriToJid("sip:%61lice@sip.test"))).toBe("alice@sip.test");
  });

  it("CORE-ADDR-02: toward a URI, reserved characters become %HH of their UTF-8 octets, uppercase hex", () => {
    expect(formatAddressUri(jidToUri("日本@xmpp.test"))).toBe("sip:%E6%97%A5%E6%9C%AC@xmpp.test");
    expect(formatAddressUri(jidToUri("a^b`c{d}@xmpp.test"))).toBe("sip:a%5Eb%60c%7Bd%7D@xmpp.test");
  });

  it("CORE-ADDR-03: toward a JID, reserved characters become XEP-0106 \\hh (lowercase hex)", () => {
    expect(escapeLocalpart(" \"&'/:<>@")).toBe("\\20\\22\\26\\27\\2f\\3a\\3c\\3e\\40");
    expect(escapeLocalpart("a\\b")).toBe("a\\b");
    expect(escapeLocalpart("a\\5c")).toBe("a\\5c5c");
    expect(unescapeLocalpart("a\\2Fb\\2fc")).toBe("a\\2Fb/c");
  });
});

describe("SIP -> XMPP (RFC 7247 §6.4)", () => {
  it("CORE-ADDR-11: splits at the '@' and ignores the URI's parameters except gr", () => {
    expect(formatJid(uriToJid("sip:a;b=c@sip.test;gr=x;transport=udp"))).toBe("a;b=c@sip.test/x");
  });

  it("CORE-ADDR-12: overlong or truncated UTF-8 sequences are unmappable", () => {
    expect(reasonOf(() => uriToJid("sip:%C0%AF@sip.test"))).toBe("bad-utf8");
    expect(reasonOf(() => uriToJid("sip:a%E2%82@sip.test"))).toBe("bad-utf8");
  });

  it("CORE-ADDR-15: localparts over 1023 octets or without allowed characters are refused", () => {
    expect(reasonOf(() => uriToJid(`sip:${"a".repeat(1024)}@sip.test`))).toBe("invalid-localpart");
    expect(formatJid(uriToJid(`sip:${"a".repeat(1023)}@sip.test`)).length).toBe(1023 + "@sip.test".length);
    expect(reasonOf(() => uriToJid("sip:%E2%80%8B@sip.test"))).toBe("invalid-localpart"); // ZERO WIDTH SPACE
    expect(reasonOf(() => uriToJid("sip:%E2%85%A0@sip.test"))).toBe("invalid-localpart"); // ROMAN NUMERAL ONE
  });

  it("CORE-ADDR-15: escaping followed by NFC must not change the escaped form", () => {
    // '>' then COMBINING ACUTE: escaping gives \3e + U+0301, which NFC would compose into \3é.
    expect(reasonOf(() => uriToJid("sip:%3E%CC%81@sip.test"))).toBe("invalid-localpart");
  });

  it("CORE-ADDR-16: the result is a bare JID when there is no gr", () => {
    expect(uriToJid("sip:bob@sip.test")).toEqual({ local: "bob", domain: "sip.test" });
  });

  it("CORE-ADDR-17: a gr value over 1023 octets falls back to the bare JID and says so", () => {
    const result = mapUriToJid(`sip:bob@sip.test;gr=${"r".repeat(1024)}`);
    expect(result.jid).toEqual({ local: "bob", domain: "sip.test" });
    expect(result.resourceDropped).toBe(true);
  });

  it("CORE-ADDR-18: a gr parameter with an empty value is the temporary-GRUU form and is ignored", () => {
    expect(mapUriToJid("sip:bob@sip.test;gr=").jid.resource).toBeUndefined();
    expect(mapUriToJid("sip:bob@sip.test;gr").resourceDropped).toBe(false);
  });
});

describe("XMPP -> SIP (RFC 7247 §6.5)", () => {
  it("CORE-ADDR-20: splits the JID into local, domain and resource before mapping", () => {
    const uri = jidToUri("a\\2fb@xmpp.test/c/d@e");
    expect(uri).toMatchObject({
      scheme: "sip",
      user: "a/b",
      host: "xmpp.test",
      params: [{ name: "gr", value: "c/d%40e" }],
    });
  });

  it("CORE-ADDR-21: a JID value is assumed enforced; strings are enforced on the way in", () => {
    expect(formatAddressUri(jidToUri("ALICE@XMPP.TEST"))).toBe("sip:alice@xmpp.test");
    expect(formatAddressUri(jidToUri({ local: "alice", domain: "xmpp.test" }))).toBe("sip:alice@xmpp.test");
  });

  it("CORE-ADDR-22: \\26 \\27 \\2f become & ' /", () => {
    expect(formatAddressUri(jidToUri("\\26\\27\\2f@xmpp.test"))).toBe("sip:&'/@xmpp.test");
  });

  it("CORE-ADDR-23: every exact XEP-0106 sequence is unescaped, partial ones are not", () => {
    expect(formatAddressUri(jidToUri("\\22\\3a\\3c\\3e\\40\\5c@xmpp.test"))).toBe("sip:%22%3A%3C%3E%40%5C@xmpp.test");
    expect(formatAddressUri(jidToUri("a\\2@xmpp.test"))).toBe("sip:a%5C2@xmpp.test");
  });

  it("CORE-ADDR-24: im: for messages and pres: for presence only when the foreign domain supports them", () => {
    expect(chooseUriScheme("message", { supportsImPres: true })).toBe("im");
    expect(chooseUriScheme("presence", { supportsImPres: true })).toBe("pres");
    expect(chooseUriScheme("iq", { supportsImPres: true })).toBe("sip");
    expect(chooseUriScheme("message", { supportsImPres: false })).toBe("sip");
    expect(chooseUriScheme("presence", { supportsImPres: false, preferSips: true })).toBe("sips");
  });

  it("CORE-ADDR-25: sip: encodes # % [ \\ ] ^ ` { | } and non-ASCII", () => {
    expect(formatAddressUri(jidToUri("#%[]^`{|}@xmpp.test"))).toBe("sip:%23%25%5B%5D%5E%60%7B%7C%7D@xmpp.test");
  });

  it("CORE-ADDR-25: im:/pres: encode ( ) , . ; [ \\ ] and non-ASCII", () => {
    expect(formatAddressUri(jidToUri("(a),b.c;[d]ü@xmpp.test", { scheme: "pres" }))).toBe(
      "pres:%28a%29%2Cb%2Ec%3B%5Bd%5D%C3%BC@xmpp.test",
    );
  });

  it("CORE-ADDR-26: characters produced by unescaping that the SIP user grammar lacks are encoded", () => {
    expect(formatAddressUri(jidToUri("a\\20b\\22c@xmpp.test"))).toBe("sip:a%20b%22c@xmpp.test");
  });

  it("CORE-ADDR-27: local and host are joined with '@' under the scheme", () => {
    expect(formatAddressUri(jidToUri("x@xmpp.test", { scheme: "sips" }))).toBe("sips:x@xmpp.test");
  });

  it("CORE-ADDR-28: the resource can be left out on request", () => {
    expect(formatAddressUri(jidToUri("a@xmpp.test/pc", { includeResource: false }))).toBe("sip:a@xmpp.test");
  });

  it("CORE-ADDR-29: never a resource in im: or pres:", () => {
    expect(formatAddressUri(jidToUri("a@xmpp.test/pc", { scheme: "pres" }))).toBe("pres:a@xmpp.test");
  });
});

describe("domains (CORE-DOM)", () => {
  it("CORE-DOM-02: A-labels become U-labels with IDNA mapping (case, width)", () => {
    expect(toJidDomain("XN--BCHER-KVA.example")).toBe("bücher.example");
    expect(toJidDomain("Bücher.Example")).toBe("bücher.example");
    expect(toJidDomain("ｅｘａｍｐｌｅ.test")).toBe("example.test");
  });

  it("CORE-DOM-03: U-labels become A-labels, ß stays distinct (non-transitional IDNA2008)", () => {
    expect(toSipHost("straße.test")).toBe("xn--strae-oqa.test");
    expect(toSipHost("strasse.test")).toBe("strasse.test");
  });

  it("CORE-DOM-03: hosts that are not LDH or exceed DNS limits are refused", () => {
    expect(() => toSipHost("under_score.test")).toThrow(/LDH/);
    expect(() => toSipHost(`${"a".repeat(64)}.test`)).toThrow(/LDH/);
    expect(() => toSipHost("-lead.test")).toThrow(/LDH/);
    expect(reasonOf(() => jidToUri("a@xn--zz.test"))).toBe("invalid-domain");
  });

  it("CORE-DOM-02: code points UTS #46 accepts but IDNA2008 disallows are refused (symbols, broken Bidi)", () => {
    expect(() => toSipHost("☃.test")).toThrow(/IDNA2008/);
    expect(() => toJidDomain("xn--n3h.test")).toThrow(/IDNA2008/);
    expect(() => toSipHost("aא.test")).toThrow(/Bidi/);
    expect(toSipHost("日本.test")).toBe("xn--wgv71a.test");
    expect(toJidDomain("xn--4gbrim.xn--ygbi2ammx")).toBe("موقع.فلسطين"); // RTL labels that satisfy the Bidi Rule
  });

  it("CORE-DOM-04: domains compare equal after lowercasing, IDNA and trailing-dot removal", () => {
    expect(domainsEqual("BÜCHER.test.", "xn--bcher-kva.TEST")).toBe(true);
    expect(domainsEqual("sip.test", "sip.test2")).toBe(false);
  });

  it("CORE-DOM-05: an IP literal configured to another IP literal is still refused", () => {
    expect(reasonOf(() => uriToJid("sip:bob@192.0.2.7", { ipLiteralDomains: { "192.0.2.7": "192.0.2.8" } }))).toBe(
      "ip-literal",
    );
  });

  it("CORE-ADDR-10: a parsed URI value maps like its text form", () => {
    expect(
      uriToJid({ scheme: "sip", user: "Bob", host: "sip.test", params: [{ name: "gr", value: "x" }], headers: [] }),
    ).toEqual({
      local: "bob",
      domain: "sip.test",
      resource: "x",
    });
  });

  it("CORE-DOM-05: port dropped; IP literals refused unless configured (IPv4 and IPv6)", () => {
    expect(reasonOf(() => uriToJid("sip:bob@[2001:db8::1]:5060"))).toBe("ip-literal");
    const jid = uriToJid("sip:bob@[2001:DB8::1]", { ipLiteralDomains: { "[2001:db8::1]": "Sip.Test" } });
    expect(formatJid(jid)).toBe("bob@sip.test");
  });
});

describe("URI parameters, schemes and unmappable addresses (CORE-URI)", () => {
  it("CORE-URI-01: no SIP URI parameter other than gr and no URI header reaches the JID", () => {
    const jid = uriToJid("sip:bob@sip.test;transport=tls;user=ip;maddr=x.test;ttl=5;method=INVITE;lr;ob?h=v");
    expect(jid).toEqual({ local: "bob", domain: "sip.test" });
  });

  it("CORE-URI-02: phone-number user parts map as strings", () => {
    expect(formatJid(uriToJid("sip:+1-555-0100@sip.test;user=phone"))).toBe("+1-555-0100@sip.test");
  });

  it("CORE-URI-03: tel: is 416 as Request-URI or To, 403 as From", () => {
    expect(sipResponseForUnmappable("tel-uri", "request-uri").status).toBe(416);
    expect(sipResponseForUnmappable("tel-uri", "to").status).toBe(416);
    expect(sipResponseForUnmappable("tel-uri", "from").status).toBe(403);
  });

  it("CORE-URI-04: sips: is 416 as Request-URI and 403 as To, with a reason saying why", () => {
    expect(sipResponseForUnmappable("sips-refused", "request-uri")).toEqual({
      status: 416,
      reasonPhrase: "SIPS cannot cross the XMPP gateway",
    });
    expect(sipResponseForUnmappable("sips-refused", "to").status).toBe(403);
  });

  it("CORE-URI-05: im: and pres: Request-URIs are accepted and mapped like sip:", () => {
    expect(uriToJid("IM:Alice@Sip.Test?subject=x")).toEqual({ local: "alice", domain: "sip.test" });
    expect(uriToJid("pres:a%27b@sip.test")).toEqual({ local: "a\\27b", domain: "sip.test" });
  });

  it("CORE-URI-06: a name-addr with display name is not a URI; only the bare URI is mapped", () => {
    expect(reasonOf(() => uriToJid('"Bob" <sip:bob@sip.test>'))).toBe("unsupported-scheme");
  });

  it("CORE-URI-07: bad sender -> 400, bad target -> 404, bad JID -> <jid-malformed/> (modify)", () => {
    expect(sipResponseForUnmappable("bad-utf8", "from").status).toBe(400);
    expect(sipResponseForUnmappable("invalid-localpart", "request-uri").status).toBe(404);
    expect(sipResponseForUnmappable("invalid-domain", "to").status).toBe(404);
    expect(stanzaErrorForUnmappable()).toEqual({ condition: "jid-malformed", type: "modify" });
  });

  it("CORE-URI-08: an xmpp: URI is not a JID, and formatted JIDs never carry a scheme", () => {
    expect(() => parseJid("xmpp:alice@xmpp.test")).toThrow(/localpart/);
    expect(formatJid(uriToJid("sip:xmpp@xmpp.test"))).toBe("xmpp@xmpp.test");
  });
});

describe("case rules (CORE-CASE)", () => {
  it("CORE-CASE-01: SIP user is case-sensitive, SIP host is not; JID local/domain fold, resource does not", () => {
    expect(sipAorKey("sip:Bob@SIP.TEST")).not.toBe(sipAorKey("sip:bob@sip.test"));
    expect(sipAorKey("sip:bob@SIP.TEST")).toBe(sipAorKey("sip:bob@sip.test"));
    expect(jidEquals(parseJid("Bob@SIP.test/PC"), parseJid("bob@sip.test/PC"))).toBe(true);
    expect(jidEquals(parseJid("bob@sip.test/PC"), parseJid("bob@sip.test/pc"))).toBe(false);
  });

  it("CORE-CASE-02: AOR key: sip scheme, A-label host, unreserved escapes decoded, others uppercase, no params", () => {
    expect(sipAorKey("sips:%61li%63e%2f@XN--BCHER-KVA.test:5061;transport=tls?x=y")).toBe(
      "sip:alice%2F@xn--bcher-kva.test",
    );
    expect(sipAorKey("sip:a%7e@x.test")).toBe("sip:a~@x.test");
  });

  it("CORE-CASE-02: JID key is the PRECIS-enforced form", () => {
    expect(jidKey("ＡLICE@Bücher.TEST/Home")).toBe("alice@bücher.test/Home");
  });

  it("CORE-CASE-03: SIP users differing only in case collapse to one JID, and the result reports the fold", () => {
    const upper = mapUriToJid("sip:Alice@sip.test");
    const lower = mapUriToJid("sip:alice@sip.test");
    expect(jidEquals(upper.jid, lower.jid)).toBe(true);
    expect(upper.localFolded).toBe(true);
    expect(lower.localFolded).toBe(false);
  });
});

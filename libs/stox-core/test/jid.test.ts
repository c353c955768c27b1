import { describe, expect, it } from "vitest";
import {
  bareJid,
  createJid,
  enforceOpaqueString,
  enforceUsernameCaseMapped,
  formatJid,
  isFullJid,
  JidError,
  PrecisError,
  parseJid,
} from "../src/index.js";

function partOf(text: string): string | undefined {
  try {
    parseJid(text);
  } catch (error) {
    if (error instanceof JidError) return error.part;
    throw error;
  }
  return undefined;
}

describe("JID parse/format (RFC 7622 §3.1)", () => {
  it.each([
    ["alice@xmpp.test", { local: "alice", domain: "xmpp.test" }],
    ["xmpp.test", { domain: "xmpp.test" }],
    ["xmpp.test/res", { domain: "xmpp.test", resource: "res" }],
    ["alice@xmpp.test/a/b@c", { local: "alice", domain: "xmpp.test", resource: "a/b@c" }],
    ["Alice@XMPP.Test./Home", { local: "alice", domain: "xmpp.test", resource: "Home" }],
    ["juliet@[2001:db8::1]", { local: "juliet", domain: "[2001:db8::1]" }],
    ["juliet@192.0.2.1", { local: "juliet", domain: "192.0.2.1" }],
  ])("parses %s", (text, expected) => {
    expect(parseJid(text)).toEqual(expected);
  });

  it.each([
    ["@xmpp.test", "localpart"],
    ["alice@xmpp.test/", "resourcepart"],
    ["alice@", "domainpart"],
    ['a"b@xmpp.test', "localpart"],
    ["a&b@xmpp.test", "localpart"],
    ["a'b@xmpp.test", "localpart"],
    ["a:b@xmpp.test", "localpart"],
    ["a<b@xmpp.test", "localpart"],
    ["a>b@xmpp.test", "localpart"],
    ["a b@xmpp.test", "localpart"],
    ["alice@xmpp_test", "domainpart"],
    ["alice@xmpp.test/\u0007", "resourcepart"],
  ])("CORE-ADDR-15: refuses %s (bad %s, RFC 7622 §3.3.1)", (text, part) => {
    expect(partOf(text)).toBe(part);
  });

  it("formats and splits full and bare JIDs", () => {
    const jid = parseJid("alice@xmpp.test/pc");
    expect(formatJid(jid)).toBe("alice@xmpp.test/pc");
    expect(isFullJid(jid)).toBe(true);
    expect(formatJid(bareJid(jid))).toBe("alice@xmpp.test");
    expect(isFullJid(bareJid(jid))).toBe(false);
  });

  it("JID values are frozen", () => {
    expect(Object.isFrozen(createJid({ local: "a", domain: "b.test" }))).toBe(true);
  });

  it("CORE-ADDR-15: parts are limited to 1023 octets (counted in UTF-8)", () => {
    expect(partOf(`${"é".repeat(511)}@x.test`)).toBeUndefined();
    expect(partOf(`${"é".repeat(512)}@x.test`)).toBe("localpart");
    expect(partOf(`a@x.test/${"r".repeat(1024)}`)).toBe("resourcepart");
  });
});

describe("PRECIS UsernameCaseMapped (RFC 8265 §3.3)", () => {
  it.each([
    ["Juliet", "juliet"],
    ["ＪＵＬＩＥＴ", "juliet"], // width mapping
    ["e\u0301", "é"], // NFC
    ["ΣΑΣ", "σας"], // Unicode toLowerCase() applies the Final_Sigma context
    ["\u00df", "\u00df"], // exception: PVALID
    ["\u03c2", "\u03c2"], // exception: PVALID
    ["l\u00b7l", "l\u00b7l"], // MIDDLE DOT between l's (RFC 5892 A.3)
    ["\u05d0\u05f3", "\u05d0\u05f3"], // GERESH after Hebrew (A.5)
    ["\u30a2\u30fb\u30a4", "\u30a2\u30fb\u30a4"], // KATAKANA MIDDLE DOT with Katakana (A.9)
    ["\u0915\u094d\u200d", "\u0915\u094d\u200d"], // ZWJ after a virama (A.2)
    ["\u05e9\u05dc\u05d5\u05dd", "\u05e9\u05dc\u05d5\u05dd"], // Hebrew: Bidi Rule satisfied
    ["\u0627\u0644\u0661", "\u0627\u0644\u0661"], // Arabic letters + Arabic-Indic digit
  ])("CORE-ADDR-15: enforces %s as %s", (input, expected) => {
    expect(enforceUsernameCaseMapped(input)).toBe(expected);
  });

  it.each([
    ["", "empty"],
    ["a b", "space (ID_DIS)"],
    ["\u2160", "ROMAN NUMERAL ONE has a compatibility mapping"],
    ["a\u200bb", "ZERO WIDTH SPACE (default ignorable)"],
    ["\u00b7l", "MIDDLE DOT not between l's"],
    ["a\u200db", "ZWJ without a virama"],
    ["\u0640", "ARABIC TATWEEL (exception: DISALLOWED)"],
    ["\u0661\u06f1", "Arabic-Indic mixed with Extended Arabic-Indic digits"],
    ["\u1100", "old Hangul jamo"],
    ["\u0378", "unassigned code point"],
    ["a\u05d0", "LTR then RTL: Bidi Rule"],
    ["\u05d0a", "RTL label with an L character: Bidi Rule"],
    ["\u00a9", "symbol (ID_DIS)"],
  ])("CORE-ADDR-15: refuses %j (%s)", (input) => {
    expect(() => enforceUsernameCaseMapped(input)).toThrow(PrecisError);
  });
});

describe("PRECIS OpaqueString (RFC 8265 §4.2)", () => {
  it.each([
    ["Home PC", "Home PC"], // spaces and case kept
    ["a\u00a0b", "a b"], // non-ASCII space mapped to U+0020
    ["\uff21", "\uff21"], // no width mapping
    ["e\u0301", "é"], // NFC
    ["©®™", "©®™"], // symbols allowed in FreeformClass
  ])("CORE-ADDR-17: enforces %j as %j", (input, expected) => {
    expect(enforceOpaqueString(input)).toBe(expected);
  });

  it.each([[""], ["a\u0000b"], ["a\u200bb"], ["\ud800"]])("CORE-ADDR-17: refuses %j", (input) => {
    expect(() => enforceOpaqueString(input)).toThrow(PrecisError);
  });
});

describe("RFC 7622 §3.5 examples", () => {
  it.each([
    ["juliet@example.com", "juliet@example.com"],
    ["juliet@example.com/foo", "juliet@example.com/foo"],
    ["juliet@example.com/foo bar", "juliet@example.com/foo bar"],
    ["juliet@example.com/foo@bar", "juliet@example.com/foo@bar"],
    ["foo\\20bar@example.com", "foo\\20bar@example.com"],
    ["fussball@example.com", "fussball@example.com"],
    ["fußball@example.com", "fußball@example.com"],
    ["π@example.com", "π@example.com"],
    ["Σ@example.com/foo", "σ@example.com/foo"],
    ["σ@example.com/foo", "σ@example.com/foo"],
    ["ς@example.com/foo", "ς@example.com/foo"],
    ["king@example.com/♚", "king@example.com/♚"],
    ["example.com", "example.com"],
    ["example.com/foobar", "example.com/foobar"],
    ["a.example.com/b@example.net", "a.example.com/b@example.net"],
  ])("CORE-ADDR-15: %s is a valid JID (enforced: %s)", (text, enforced) => {
    expect(formatJid(parseJid(text))).toBe(enforced);
  });

  it.each([
    ['"juliet"@example.com'],
    ["foo bar@example.com"],
    ["juliet@example.com/"],
    ["@example.com/"],
    ["henryⅣ@example.com"],
    ["♚@example.com"],
    ["juliet@"],
    ["/foobar"],
  ])("CORE-ADDR-15: %s is not a valid JID", (text) => {
    expect(() => parseJid(text)).toThrow(JidError);
  });
});

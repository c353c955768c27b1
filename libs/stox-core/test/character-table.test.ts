import { describe, expect, it } from "vitest";
import { formatAddressUri, formatJid, jidToUri, uriToJid } from "../src/index.js";

// RFC 7247 §6.2 Table 1 (digest §2.2): which printable ASCII punctuation each side allows literally.
const PUNCTUATION = [..."!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"];
const SIP_LITERAL = new Set([..."!$&'()*+,-./;=?_~"]);
const XMPP_LITERAL = new Set([..."!#$%()*+,-.;=?[\\]^_`{|}~"]);
const XEP0106: Record<string, string> = {
  '"': "\\22",
  "&": "\\26",
  "'": "\\27",
  "/": "\\2f",
  ":": "\\3a",
  "<": "\\3c",
  ">": "\\3e",
  "@": "\\40",
};

const hex = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;

describe("RFC 7247 §6.2 Table 1, character by character", () => {
  it("covers the 32 printable ASCII punctuation characters", () => {
    expect(PUNCTUATION).toHaveLength(32);
  });

  it.each(PUNCTUATION)(
    "CORE-ADDR-01/-13/-14: SIP user 'a%sb' (sent percent-encoded) maps to the JID table's form",
    (c) => {
      const jid = formatJid(uriToJid(`sip:a${hex(c)}b@sip.test`));
      const expected = XMPP_LITERAL.has(c) ? c : XEP0106[c];
      expect(jid).toBe(`a${expected}b@sip.test`);
    },
  );

  it.each(PUNCTUATION.filter((c) => XMPP_LITERAL.has(c)))(
    "CORE-ADDR-01/-25: JID localpart 'a%sb' keeps SIP-legal characters and percent-encodes the rest",
    (c) => {
      const uri = formatAddressUri(jidToUri(`a${c}b@xmpp.test`));
      expect(uri).toBe(`sip:a${SIP_LITERAL.has(c) ? c : hex(c)}b@xmpp.test`);
    },
  );

  it.each(Object.entries(XEP0106))(
    "CORE-ADDR-22/-23/-26: escaped JID character %s (%s) reaches SIP in its URI form",
    (c, seq) => {
      const uri = formatAddressUri(jidToUri(`a${seq}b@xmpp.test`));
      expect(uri).toBe(`sip:a${SIP_LITERAL.has(c) ? c : hex(c)}b@xmpp.test`);
    },
  );
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AddressMappingError,
  createJid,
  enforceOpaqueString,
  escapeLocalpart,
  formatAddressUri,
  formatJid,
  isCanonicallyEscaped,
  type Jid,
  JidError,
  jidToUri,
  parseAddressUri,
  parseJid,
  sipAorKey,
  UriParseError,
  unescapeLocalpart,
  uriToJid,
} from "../src/index.js";
import { percentEncode } from "../src/percent-encoding.js";
import { mapUsernameCaseMapped } from "../src/precis/profiles.js";
import { isSipParamChar, isSipUserChar } from "../src/uri-charsets.js";

// Characters that exercise every escaping rule: JID-illegal, SIP-illegal, both, non-ASCII, RTL, case.
const LOCAL_CHARS = [
  ..."abcxyz019._-+!~*()=$,;?",
  ..."&'/ \":<>@\\",
  ..."#%[]^`{|}",
  ..."üßéŁжД日本ΩABC",
  "\u212a", // KELVIN SIGN
  "\uff21", // FULLWIDTH A
];
const RESOURCE_CHARS = [...LOCAL_CHARS, "\u00a0", "/", "@", "Ä"];
const DOMAINS = ["xmpp.test", "sip.test", "bücher.test", "例え.テスト", "a-b.example", "x.y.z.example"];

const rawLocal = fc.array(fc.constantFrom(...LOCAL_CHARS), { minLength: 1, maxLength: 12 }).map((a) => a.join(""));
const rawResource = fc
  .array(fc.constantFrom(...RESOURCE_CHARS), { minLength: 1, maxLength: 10 })
  .map((a) => a.join(""));

function isOpaqueStable(s: string): boolean {
  try {
    return enforceOpaqueString(s) === s;
  } catch {
    return false;
  }
}

function tryCreate(parts: { local: string; domain: string; resource?: string | undefined }): Jid | undefined {
  try {
    return createJid(parts);
  } catch {
    return undefined;
  }
}

/** Enforced JIDs whose localpart is in canonical XEP-0106 form (the set RFC 7247 §6 can round-trip). */
const mappableJid = fc
  .record({ raw: rawLocal, domain: fc.constantFrom(...DOMAINS), resource: fc.option(rawResource, { nil: undefined }) })
  .map(({ raw, domain, resource }) =>
    tryCreate({ local: escapeLocalpart(mapUsernameCaseMapped(raw)), domain, resource }),
  )
  .filter((jid): jid is Jid => jid?.local !== undefined && isCanonicallyEscaped(jid.local))
  .filter((jid) => !/^\\20|\\20$/.test(jid.local ?? ""));

/** SIP URIs in canonical form: lowercase PRECIS-stable user parts, encoded exactly where the grammar needs it. */
const mappableSipUri = fc
  .record({
    raw: rawLocal,
    host: fc.constantFrom("sip.test", "xn--bcher-kva.test", "a-b.example"),
    gr: fc.option(rawResource, { nil: undefined }),
  })
  .filter(({ raw, gr }) => raw === mapUsernameCaseMapped(raw) && (gr === undefined || isOpaqueStable(gr)))
  .map(({ raw, host, gr }) => {
    const params = gr === undefined ? "" : `;gr=${percentEncode(gr, isSipParamChar)}`;
    return `sip:${percentEncode(raw, isSipUserChar)}@${host}${params}`;
  })
  .filter((uri) => {
    try {
      const jid = uriToJid(uri);
      return uri.includes(";gr=") === (jid.resource !== undefined);
    } catch {
      return false;
    }
  });

describe("CORE-ADDR-30 round-trip properties", () => {
  it("CORE-ADDR-30: every mappable JID survives JID -> SIP URI -> JID unchanged", () => {
    fc.assert(
      fc.property(mappableJid, (jid) => {
        const back = uriToJid(formatAddressUri(jidToUri(jid)));
        expect(formatJid(back)).toBe(formatJid(jid));
      }),
      { numRuns: 400 },
    );
  });

  it("CORE-ADDR-30: every canonical SIP URI survives SIP URI -> JID -> SIP URI unchanged", () => {
    fc.assert(
      fc.property(mappableSipUri, (uri) => {
        expect(formatAddressUri(jidToUri(uriToJid(uri)))).toBe(uri);
      }),
      { numRuns: 400 },
    );
  });

  it("CORE-ADDR-30: JID -> SIP -> JID also holds for im: URIs (without resource, CORE-ADDR-29)", () => {
    fc.assert(
      fc.property(mappableJid, (jid) => {
        const back = uriToJid(formatAddressUri(jidToUri(jid, { scheme: "im" })));
        expect(formatJid(back)).toBe(formatJid({ ...jid, resource: undefined } as Jid).replace(/\/.*$/u, ""));
      }),
      { numRuns: 200 },
    );
  });

  it("CORE-ADDR-01: XEP-0106 unescape(escape(s)) is the identity for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 20 }), (s) => {
        expect(unescapeLocalpart(escapeLocalpart(s))).toBe(s);
      }),
    );
  });

  it("CORE-ADDR-30: mapping back and forth is idempotent for any SIP URI that maps at all", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LOCAL_CHARS).chain((c) => fc.string({ maxLength: 8 }).map((s) => c + s)),
        (s) => {
          let first: string;
          try {
            first = formatJid(uriToJid(`sip:${percentEncode(s, isSipUserChar)}@sip.test`));
          } catch {
            return;
          }
          const again = formatJid(uriToJid(formatAddressUri(jidToUri(first))));
          expect(again).toBe(first);
        },
      ),
    );
  });
});

const RESERVED = new Set([..."; /?:@&=+$,"]);

/**
 * Re-encodes chosen literal characters of the user part as %hh (lower- or uppercase hex). Reserved characters
 * are left alone unless `all` is set: RFC 3261 §19.1.4 makes only non-reserved characters equal to their escapes.
 */
function reencodeUser(uri: string, mask: readonly boolean[], all = false): string {
  const at = uri.indexOf("@");
  const user = uri.slice(4, at);
  let out = "";
  let i = 0;
  for (let k = 0; k < user.length; k++) {
    const ch = user[k] as string;
    if (ch === "%") {
      out += user.slice(k, k + 3);
      k += 2;
    } else {
      const hex = ch.charCodeAt(0).toString(16).padStart(2, "0");
      const encode = mask[i % mask.length] === true && (all || !RESERVED.has(ch));
      out += encode ? `%${i % 2 === 0 ? hex : hex.toUpperCase()}` : ch;
    }
    i++;
  }
  return `sip:${out}${uri.slice(at)}`;
}

describe("CORE-ADDR-30 / CORE-CASE-02 URI equivalence (RFC 3261 §19.1.4)", () => {
  it("CORE-ADDR-30: equivalent SIP URIs (extra %HH escapes, host case) map to the same JID", () => {
    fc.assert(
      fc.property(mappableSipUri, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (uri, mask) => {
        // RFC 7247 §6.4 percent-decodes everything, so even reserved characters may be re-encoded here.
        const variant = reencodeUser(uri, mask, true).replace(
          /@([^;]+)/u,
          (_, host: string) => `@${host.toUpperCase()}`,
        );
        expect(formatJid(uriToJid(variant))).toBe(formatJid(uriToJid(uri)));
      }),
      { numRuns: 300 },
    );
  });

  it("CORE-CASE-02: the AOR key ignores host case, port, parameters and escapes of non-reserved characters", () => {
    fc.assert(
      fc.property(mappableSipUri, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (uri, mask) => {
        const bare = uri.replace(/;gr=.*$/u, "");
        const variant = `${reencodeUser(bare, mask).replace(/@(.+)$/u, (_, h: string) => `@${h.toUpperCase()}:5060`)};lr`;
        expect(sipAorKey(variant)).toBe(sipAorKey(bare));
      }),
      { numRuns: 300 },
    );
  });

  it("CORE-CASE-02: an escaped reserved character is not the same AOR as the literal one", () => {
    expect(sipAorKey("sip:a%3Db@sip.test")).not.toBe(sipAorKey("sip:a=b@sip.test"));
    expect(sipAorKey("sip:a%3db@sip.test")).toBe(sipAorKey("sip:a%3Db@sip.test"));
  });
});

describe("parsers and mappers throw only their own error type", () => {
  const junk = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.string({ maxLength: 30 }).map((s) => `sip:${s}`),
    fc.string({ maxLength: 30 }).map((s) => `sip:${s}@${s}`),
  );

  it("parseAddressUri throws only UriParseError", () => {
    fc.assert(
      fc.property(junk, (s) => {
        try {
          parseAddressUri(s);
        } catch (error) {
          expect(error).toBeInstanceOf(UriParseError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("CORE-URI-07: uriToJid throws only AddressMappingError, never a half-mapped address", () => {
    fc.assert(
      fc.property(junk, (s) => {
        try {
          const jid = uriToJid(s);
          expect(formatJid(parseJid(formatJid(jid)))).toBe(formatJid(jid));
        } catch (error) {
          expect(error).toBeInstanceOf(AddressMappingError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("parseJid throws only JidError and returns enforced, stable JIDs", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), (s) => {
        try {
          const jid = parseJid(s);
          expect(formatJid(parseJid(formatJid(jid)))).toBe(formatJid(jid));
        } catch (error) {
          expect(error).toBeInstanceOf(JidError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("formatAddressUri(parseAddressUri(s)) reproduces every canonical SIP URI", () => {
    fc.assert(
      fc.property(mappableSipUri, (uri) => {
        expect(formatAddressUri(parseAddressUri(uri))).toBe(uri);
      }),
      { numRuns: 200 },
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createBoundedMemo, listMemos, memoized, withoutMemo } from "../src/bounded-memo.js";
import {
  AddressMappingError,
  admitSipRequest,
  admitStanza,
  createDomainPolicy,
  type JidToUriOptions,
  jidToUri,
  mapUriToJid,
  parseJid,
  toJidDomain,
  toSipHost,
  type UriToJidOptions,
} from "../src/index.js";

// Issue #8: memoised address mappings must give exactly what the uncached code gives, on every call.

type Outcome = { ok: true; value: unknown } | { ok: false; error: Record<string, unknown> };

function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { thrown: error };
  const own = Object.fromEntries(Object.entries(error));
  const cause = error.cause === undefined ? undefined : describeError(error.cause);
  return { ...own, type: error.constructor, name: error.name, message: error.message, cause };
}

function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

/** Uncached, then cached twice (miss, then hit when the first succeeded): all three must agree. */
function expectSameCachedAndUncached(fn: () => unknown): Outcome {
  const uncached = outcome(() => withoutMemo(fn));
  const first = outcome(fn);
  const second = outcome(fn);
  expect(first).toEqual(uncached);
  expect(second).toEqual(uncached);
  return second;
}

function isDeeplyFrozen(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

const USER_PARTS = [
  "bob",
  "Bob",
  "o'neil",
  "a%40b",
  "%C3%BC",
  "J%C3%9CRGEN",
  "%ZZ",
  "%FF",
  "a%20",
  "\uff21",
  "x.y_z-1",
];
const HOSTS = ["sip.test", "Sip.Test.", "xmpp.test", "xn--bcher-kva.test", "192.0.2.7", "[2001:db8::1]", "a_b.test"];
const SCHEMES = ["sip", "sips", "SIP", "im", "pres", "tel", "http"];
const PARAMS = ["", ";gr=K%C3%BCche%202", ";gr", ";gr=", ";gr=%FF", ";transport=tcp", "?subject=hi"];
const TEL_NUMBERS = ["+15551234", "+1-555-1234", "5551234", "+49(0)30", "12ab", "+1;phone-context=x"];

const addressUri = fc.oneof(
  fc
    .tuple(fc.constantFrom(...SCHEMES), fc.constantFrom(...USER_PARTS), fc.constantFrom(...HOSTS))
    .chain(([scheme, user, host]) => fc.constantFrom(...PARAMS).map((params) => `${scheme}:${user}@${host}${params}`)),
  fc.constantFrom(...TEL_NUMBERS).map((n) => `tel:${n}`),
  fc.constantFrom(...HOSTS).map((host) => `sip:${host}`),
  fc.string({ maxLength: 30 }),
);

// Absent keys stay absent at run time; the cast only drops the `| undefined` fast-check adds to the type.
const uriOptions = fc.record(
  {
    allowSips: fc.boolean(),
    telDomain: fc.constantFrom("sip.test", "Tel.Test", "192.0.2.7", "bad_domain"),
    ipLiteralDomains: fc.constantFrom(
      { "192.0.2.7": "sip.test", "[2001:db8::1]": "v6.test" },
      { "192.0.2.7": "other.test" },
      { "192.0.2.7": "192.0.2.8" },
    ),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<UriToJidOptions>;

describe("bounded memo", () => {
  it("never holds more than maxEntries values, whatever is inserted", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.string({ maxLength: 8 }), { maxLength: 300 }),
        (n, keys) => {
          const memo = createBoundedMemo<number>({ maxEntries: n, maxKeyLength: 16 });
          keys.forEach((key, i) => {
            memo.set(key, i);
            memo.get(keys[(i * 7) % keys.length] as string);
            expect(memo.size).toBeLessThanOrEqual(Math.max(n, 2));
          });
        },
      ),
    );
  });

  it("does not store keys longer than maxKeyLength", () => {
    const memo = createBoundedMemo<string>({ maxEntries: 10, maxKeyLength: 4 });
    let calls = 0;
    const compute = (key: string) => {
      calls++;
      return key.toUpperCase();
    };
    expect(memoized(memo, "abcde", compute)).toBe("ABCDE");
    expect(memoized(memo, "abcde", compute)).toBe("ABCDE");
    expect(calls).toBe(2);
    expect(memo.size).toBe(0);
  });

  it("keeps a key that is read on every turnover and drops keys that are not", () => {
    const memo = createBoundedMemo<number>({ maxEntries: 4, maxKeyLength: 16 });
    memo.set("hot", 1);
    for (let i = 0; i < 20; i++) {
      memo.set(`cold${i}`, i);
      expect(memo.get("hot")).toBe(1);
    }
    expect(memo.get("cold0")).toBeUndefined();
  });

  it("stores only successes: a throwing computation runs again", () => {
    const memo = createBoundedMemo<string>({ maxEntries: 10, maxKeyLength: 16 });
    let calls = 0;
    const failing = (): string => {
      calls++;
      throw new Error("no");
    };
    expect(() => memoized(memo, "k", failing)).toThrow("no");
    expect(() => memoized(memo, "k", failing)).toThrow("no");
    expect(calls).toBe(2);
    expect(memo.size).toBe(0);
  });

  it("every address memo stays within its bound when 20,000 distinct addresses pass in each direction", () => {
    const long = "x".repeat(600);
    for (let i = 0; i < 20_000; i++) {
      mapUriToJid(`sip:u${i}@h${i}.test`);
      jidToUri(`u${i}@h${i}.test/r`);
    }
    for (let i = 0; i < 50; i++) mapUriToJid(`sip:${long}${i}@sip.test`);
    const memos = listMemos();
    expect(memos.length).toBeGreaterThanOrEqual(5);
    for (const memo of memos) expect(memo.size).toBeLessThanOrEqual(memo.maxEntries);
  });
});

describe("memoised S2X mapping (mapUriToJid)", () => {
  it("gives the uncached outcome on the first and the second call, errors included", () => {
    fc.assert(
      fc.property(addressUri, uriOptions, (uri, options) => {
        expectSameCachedAndUncached(() => mapUriToJid(uri, options));
      }),
      { numRuns: 500 },
    );
  });

  it("never lets one options object answer for another (cached under A, asked under B)", () => {
    fc.assert(
      fc.property(addressUri, uriOptions, uriOptions, (uri, a, b) => {
        outcome(() => mapUriToJid(uri, a));
        outcome(() => mapUriToJid(uri, a));
        expect(outcome(() => mapUriToJid(uri, b))).toEqual(outcome(() => withoutMemo(() => mapUriToJid(uri, b))));
      }),
      { numRuns: 500 },
    );
  });

  it("CORE-SEC-02: a sips: URI mapped under allowSips is still refused without it", () => {
    const uri = "sips:bob@sip.test";
    expect(mapUriToJid(uri, { allowSips: true }).jid).toEqual({ local: "bob", domain: "sip.test" });
    expect(() => mapUriToJid(uri)).toThrow(AddressMappingError);
    expect(outcome(() => mapUriToJid(uri))).toMatchObject({ ok: false, error: { reason: "sips-refused" } });
  });

  it("CORE-DOM-05: an IP-literal host follows the ipLiteralDomains passed on each call", () => {
    const uri = "sip:bob@192.0.2.7";
    expect(mapUriToJid(uri, { ipLiteralDomains: { "192.0.2.7": "a.test" } }).jid.domain).toBe("a.test");
    expect(mapUriToJid(uri, { ipLiteralDomains: { "192.0.2.7": "b.test" } }).jid.domain).toBe("b.test");
  });

  it("CORE-URI-03: a tel: number follows the telDomain passed on each call", () => {
    expect(mapUriToJid("tel:+15551234", { telDomain: "a.test" }).jid.domain).toBe("a.test");
    expect(mapUriToJid("tel:+15551234", { telDomain: "b.test" }).jid.domain).toBe("b.test");
    expect(() => mapUriToJid("tel:+15551234")).toThrow(AddressMappingError);
  });

  it("throws a fresh, equal error on every failing call", () => {
    const first = outcome(() => mapUriToJid("sip:%FF@sip.test"));
    const second = outcome(() => mapUriToJid("sip:%FF@sip.test"));
    expect(first).toMatchObject({ ok: false, error: { reason: "bad-utf8", type: AddressMappingError } });
    expect(second).toEqual(first);
  });

  it("returns deeply frozen results, so sharing them between callers is safe", () => {
    const result = mapUriToJid("sip:Bob@sip.test;gr=pc");
    expect(mapUriToJid("sip:Bob@sip.test;gr=pc")).toBe(result);
    expect(isDeeplyFrozen(result)).toBe(true);
  });
});

describe("memoised X2S mapping and JID parsing", () => {
  const jidText = fc.oneof(
    fc
      .tuple(
        fc.constantFrom("", "alice@", "Alice@", "o\\27neil@", "a b@", "zoë@", "@", "x\u0301@"),
        fc.constantFrom("xmpp.test", "Bücher.Test", "xn--bcher-kva.test.", "192.0.2.7", "bad_domain", ""),
        fc.constantFrom("", "/pc", "/Küche 2", "/", "/a/b"),
      )
      .map((parts) => parts.join("")),
    fc.string({ maxLength: 20 }),
  );
  const jidOptions: fc.Arbitrary<JidToUriOptions> = fc.record(
    { scheme: fc.constantFrom("sip", "sips", "im", "pres"), includeResource: fc.boolean() },
    { requiredKeys: [] },
  );

  it("parseJid gives the uncached outcome on the first and the second call", () => {
    fc.assert(
      fc.property(jidText, (text) => {
        expectSameCachedAndUncached(() => parseJid(text));
      }),
      { numRuns: 500 },
    );
  });

  it("jidToUri (text and value) gives the uncached outcome under any options, in any order", () => {
    fc.assert(
      fc.property(jidText, jidOptions, jidOptions, (text, a, b) => {
        expectSameCachedAndUncached(() => jidToUri(text, a));
        expectSameCachedAndUncached(() => jidToUri(text, b));
        const parsed = outcome(() => parseJid(text));
        if (parsed.ok) {
          const value = parsed.value as Parameters<typeof jidToUri>[0];
          expectSameCachedAndUncached(() => jidToUri(value, a));
          expectSameCachedAndUncached(() => jidToUri(value, b));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("jidToUri keys values by their parts, even parts that were never enforced", () => {
    const odd = { local: "a1:b", domain: "sip.test" };
    const other = { local: "a", domain: "1:bsip.test" };
    expect(jidToUri(odd)).toEqual(withoutMemo(() => jidToUri(odd)));
    expect(outcome(() => jidToUri(other))).toEqual(outcome(() => withoutMemo(() => jidToUri(other))));
  });

  it("jidToUri follows an unfrozen JID value that changed since the last call", () => {
    const jid: { local: string; domain: string } = { local: "alice", domain: "xmpp.test" };
    expect(jidToUri(jid)).toMatchObject({ user: "alice", host: "xmpp.test" });
    jid.local = "bob";
    expect(jidToUri(jid)).toMatchObject({ user: "bob", host: "xmpp.test" });
  });

  it("jidToUri answers a frozen JID from its identity, separately for each scheme and includeResource", () => {
    const jid = parseJid("alice@xmpp.test/pc");
    const all: JidToUriOptions[] = [{}, { includeResource: false }, { scheme: "sips" }, { scheme: "im" }];
    for (const options of all) {
      expect(jidToUri(jid, options)).toBe(jidToUri(jid, options));
      expect(jidToUri(jid, options)).toEqual(withoutMemo(() => jidToUri(jid, options)));
    }
  });

  it("returns deeply frozen JIDs and URIs", () => {
    expect(isDeeplyFrozen(parseJid("alice@xmpp.test/pc"))).toBe(true);
    expect(isDeeplyFrozen(jidToUri("alice@xmpp.test/pc"))).toBe(true);
    expect(isDeeplyFrozen(jidToUri("alice@xmpp.test/pc", { scheme: "im" }))).toBe(true);
  });

  it("toJidDomain and toSipHost give the uncached outcome on every call", () => {
    const domain = fc.oneof(
      fc.constantFrom("Bücher.Test.", "xn--bcher-kva.test", "a..b", "", "0x7f.1", "192.0.2.7", "ß.test", "☃.test"),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(domain, (d) => {
        expectSameCachedAndUncached(() => toJidDomain(d));
        expectSameCachedAndUncached(() => toSipHost(d));
      }),
      { numRuns: 500 },
    );
  });
});

describe("memoised admission", () => {
  const policy = createDomainPolicy({
    sipDomains: ["sip.test"],
    xmppDomains: ["xmpp.test", "bücher.test"],
    telDomain: "sip.test",
    ipLiteralDomains: { "192.0.2.7": "sip.test" },
    refuseMixedScript: true,
  });

  it("admitSipRequest gives the uncached verdict on the first and the second call", () => {
    const hop = fc.constantFrom("trusted" as const, "authenticated" as const, "untrusted" as const);
    fc.assert(
      fc.property(hop, addressUri, addressUri, fc.option(addressUri, { nil: undefined }), (h, target, from, pai) => {
        expectSameCachedAndUncached(() =>
          admitSipRequest(policy, {
            hop: h,
            requestUri: target,
            from,
            ...(pai === undefined ? {} : { pAssertedIdentity: pai }),
          }),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("admitStanza gives the uncached verdict on the first and the second call", () => {
    const jid = fc.constantFrom(
      "alice@xmpp.test/pc",
      "bob@sip.test",
      "Zoë@Bücher.test/Küche 2",
      "x@",
      "carol@foreign.test",
    );
    fc.assert(
      fc.property(jid, jid, fc.constantFrom(undefined, "im" as const), (from, to, scheme) => {
        expectSameCachedAndUncached(() =>
          admitStanza(policy, { linkAuthenticated: true, from, to, ...(scheme === undefined ? {} : { scheme }) }),
        );
      }),
      { numRuns: 200 },
    );
  });
});

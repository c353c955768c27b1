import { describe, expect, it } from "vitest";
import { SipResolveError } from "../src/errors.js";
import { type DnsResolver, resolveTarget } from "../src/resolver.js";

/** A fake DNS with the records of the RFC 3263 §4.1 example, pointed at loopback. */
function fakeDns(records: {
  naptr?: Record<string, { service: string; replacement: string; order: number; preference: number }[]>;
  srv?: Record<string, { name: string; port: number; priority: number; weight: number }[]>;
  a?: Record<string, string[]>;
}): DnsResolver {
  const missing = () => Promise.reject(Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" }));
  return {
    resolveNaptr: (n) => {
      const r = records.naptr?.[n];
      return r ? Promise.resolve(r.map((x) => ({ ...x, flags: "s", regexp: "" }))) : missing();
    },
    resolveSrv: (n) => (records.srv?.[n] ? Promise.resolve([...(records.srv[n] ?? [])]) : missing()),
    resolve4: (n) => (records.a?.[n] ? Promise.resolve(records.a[n] ?? []) : missing()),
    resolve6: () => missing(),
  };
}

const all = ["udp", "tcp", "tls"] as const;

describe("RFC 3263 server location", () => {
  it("uses a numeric host and explicit port as they are (§4.2)", async () => {
    expect(await resolveTarget("sip:bob@127.0.0.1:5070", fakeDns({}), all)).toEqual([
      { protocol: "udp", address: "127.0.0.1", port: 5070 },
    ]);
  });

  it("takes the transport from the transport parameter and defaults sips to TLS on 5061 (§4.1)", async () => {
    expect(await resolveTarget("sip:bob@127.0.0.1;transport=tcp", fakeDns({}), all)).toEqual([
      { protocol: "tcp", address: "127.0.0.1", port: 5060 },
    ]);
    expect(await resolveTarget("sips:bob@127.0.0.1", fakeDns({}), all)).toEqual([
      { protocol: "tls", address: "127.0.0.1", port: 5061 },
    ]);
  });

  it("follows NAPTR then SRV then A, preferring the lowest order (§4.1 example)", async () => {
    const dns = fakeDns({
      naptr: {
        "example.com": [
          { service: "SIPS+D2T", replacement: "_sips._tcp.example.com", order: 90, preference: 50 },
          { service: "SIP+D2T", replacement: "_sip._tcp.example.com", order: 100, preference: 50 },
        ],
      },
      srv: { "_sips._tcp.example.com": [{ name: "server1.example.com", port: 5061, priority: 0, weight: 1 }] },
      a: { "server1.example.com": ["127.0.0.1"] },
    });
    expect(await resolveTarget("sip:alice@example.com", dns, all)).toEqual([
      { protocol: "tls", address: "127.0.0.1", port: 5061 },
    ]);
  });

  it("skips NAPTR services the edge does not listen on", async () => {
    const dns = fakeDns({
      naptr: {
        "example.com": [
          { service: "SIPS+D2T", replacement: "_sips._tcp.example.com", order: 90, preference: 50 },
          { service: "SIP+D2U", replacement: "_sip._udp.example.com", order: 100, preference: 50 },
        ],
      },
      srv: {
        "_sips._tcp.example.com": [{ name: "s1.example.com", port: 5061, priority: 0, weight: 1 }],
        "_sip._udp.example.com": [{ name: "s2.example.com", port: 5080, priority: 0, weight: 1 }],
      },
      a: { "s1.example.com": ["127.0.0.1"], "s2.example.com": ["127.0.0.2"] },
    });
    expect(await resolveTarget("sip:alice@example.com", dns, ["udp"])).toEqual([
      { protocol: "udp", address: "127.0.0.2", port: 5080 },
    ]);
  });

  it("queries SRV per transport without NAPTR, ordered by priority (§4.1, RFC 2782)", async () => {
    const dns = fakeDns({
      srv: {
        "_sip._udp.example.org": [
          { name: "b.example.org", port: 5062, priority: 20, weight: 0 },
          { name: "a.example.org", port: 5061, priority: 10, weight: 0 },
        ],
      },
      a: { "a.example.org": ["127.0.0.1"], "b.example.org": ["127.0.0.2"] },
    });
    const found = await resolveTarget("sip:bob@example.org", dns, all);
    expect(found.map((d) => d.port)).toEqual([5061, 5062]);
  });

  it("falls back to A records on 5060 when there is no NAPTR or SRV (§4.2)", async () => {
    const dns = fakeDns({ a: { "plain.example": ["127.0.0.3"] } });
    expect(await resolveTarget("sip:bob@plain.example", dns, all)).toEqual([
      { protocol: "udp", address: "127.0.0.3", port: 5060 },
    ]);
  });

  it("throws SipResolveError when nothing resolves, or for a non-SIP URI", async () => {
    await expect(resolveTarget("sip:bob@nowhere.example", fakeDns({}), all)).rejects.toBeInstanceOf(SipResolveError);
    await expect(resolveTarget("tel:+15551234", fakeDns({}), all)).rejects.toBeInstanceOf(SipResolveError);
  });
});

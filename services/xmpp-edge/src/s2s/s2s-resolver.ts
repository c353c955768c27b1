import { promises as dns } from "node:dns";

/** Where to dial a domain's XMPP server, best first. */
export interface S2sTarget {
  readonly host: string;
  readonly port: number;
}

/** Finds the servers for a domain. Injectable so tests dial loopback. */
export type S2sResolver = (domain: string) => Promise<readonly S2sTarget[]>;

/**
 * RFC 6120 §3.2.1: look up `_xmpp-server._tcp.<domain>` SRV records, order by priority then weight
 * (RFC 2782); a single "." target means the service is not offered. Without SRV records, fall back to the
 * domain itself on 5269 (§3.2.2).
 */
export function createSrvResolver(lookup = dns.resolveSrv): S2sResolver {
  return async (domain) => {
    let records: Awaited<ReturnType<typeof dns.resolveSrv>>;
    try {
      records = await lookup(`_xmpp-server._tcp.${domain}`);
    } catch {
      return [{ host: domain, port: 5269 }];
    }
    if (records.length === 1 && (records[0]?.name === "." || records[0]?.name === "")) return [];
    return [...records]
      .sort((a, b) => a.priority - b.priority || b.weight - a.weight)
      .map((r) => ({ host: r.name, port: r.port }));
  };
}

/** A fixed table (tests, or static routes that override DNS). Unknown domains fall through to `fallback`. */
export function createStaticResolver(routes: Readonly<Record<string, S2sTarget>>, fallback?: S2sResolver): S2sResolver {
  return async (domain) => {
    const route = routes[domain];
    if (route) return [route];
    return fallback ? fallback(domain) : [];
  };
}

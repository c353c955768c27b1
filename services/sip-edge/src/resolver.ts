import { isIP } from "node:net";
import { findParam, isSipUri, parseUri, type SipUri } from "@stox/sip-parser";
import { SipResolveError } from "./errors.js";
import type { Destination, TransportProtocol } from "./transport/types.js";

/** The subset of `node:dns/promises` Resolver used for RFC 3263; tests pass a fake. */
export interface DnsResolver {
  resolveNaptr(
    name: string,
  ): Promise<
    { flags: string; service: string; regexp: string; replacement: string; order: number; preference: number }[]
  >;
  resolveSrv(name: string): Promise<{ name: string; port: number; priority: number; weight: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

const NAPTR_SERVICES: Record<string, TransportProtocol> = { "SIP+D2U": "udp", "SIP+D2T": "tcp", "SIPS+D2T": "tls" };
const SRV_PREFIX: Record<string, string> = { udp: "_sip._udp.", tcp: "_sip._tcp.", tls: "_sips._tcp." };

function defaultPort(protocol: TransportProtocol): number {
  return protocol === "tls" || protocol === "wss" ? 5061 : 5060;
}

async function addresses(dns: DnsResolver, host: string): Promise<string[]> {
  const v4 = await dns.resolve4(host).catch(() => [] as string[]);
  if (v4.length > 0) return v4;
  return dns.resolve6(host).catch(() => [] as string[]);
}

async function fromSrv(dns: DnsResolver, name: string, protocol: TransportProtocol): Promise<Destination[]> {
  const records = await dns.resolveSrv(name).catch(() => []);
  // RFC 2782: lowest priority first; within a priority, heavier weight first (a deterministic stand-in
  // for the weighted random pick).
  records.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  const out: Destination[] = [];
  for (const r of records) {
    for (const address of await addresses(dns, r.name)) out.push({ protocol, address, port: r.port });
  }
  return out;
}

/**
 * RFC 3263 §4: where to send a request for `target` (a SIP/SIPS URI): the transport from the
 * `transport` parameter, NAPTR or SRV; then the address from SRV or A/AAAA. Numeric hosts and explicit
 * ports skip NAPTR/SRV (§4.2). Returns the candidates in order; throws SipResolveError when none.
 */
export async function resolveTarget(
  target: string | SipUri,
  dns: DnsResolver,
  supported: readonly TransportProtocol[],
  /** Transport when the URI names none (e.g. the one a dialog was made on); default: RFC 3263 selection. */
  defaultProtocol?: TransportProtocol,
): Promise<Destination[]> {
  const uri = typeof target === "string" ? parseUri(target) : target;
  if (!isSipUri(uri)) throw new SipResolveError(`cannot route to a ${uri.scheme}: URI`, uri.raw);
  const host = uri.host.startsWith("[") ? uri.host.slice(1, -1) : uri.host;
  const maddr = findParam(uri.params, "maddr")?.value ?? undefined;
  const transportParam = findParam(uri.params, "transport")?.value?.toLowerCase();
  let protocol: TransportProtocol | undefined =
    transportParam === "udp" || transportParam === "tcp" || transportParam === "tls" || transportParam === "ws"
      ? transportParam
      : transportParam === "wss"
        ? "wss"
        : undefined;
  if (uri.scheme === "sips" && protocol === undefined) protocol = "tls";
  if (protocol === undefined && defaultProtocol !== undefined) protocol = defaultProtocol;
  const name = maddr ?? host;
  // §4.1/§4.2: numeric host or explicit port: no NAPTR/SRV.
  if (isIP(name) !== 0 || uri.port !== undefined) {
    const p = protocol ?? "udp";
    const list = isIP(name) !== 0 ? [name] : await addresses(dns, name);
    if (list.length === 0) throw new SipResolveError(`no A/AAAA record for ${name}`, uri.raw);
    return list.map((address) => ({ protocol: p, address, port: uri.port ?? defaultPort(p) }));
  }
  if (protocol === undefined) {
    const naptr = await dns.resolveNaptr(name).catch(() => []);
    naptr.sort((a, b) => a.order - b.order || a.preference - b.preference);
    for (const n of naptr) {
      const p = NAPTR_SERVICES[n.service.toUpperCase()];
      if (p === undefined || !supported.includes(p) || n.flags.toLowerCase() !== "s") continue;
      const found = await fromSrv(dns, n.replacement, p);
      if (found.length > 0) return found;
    }
    for (const p of ["udp", "tcp", "tls"] as const) {
      if (!supported.includes(p)) continue;
      const found = await fromSrv(dns, `${SRV_PREFIX[p]}${name}`, p);
      if (found.length > 0) return found;
    }
  } else if (SRV_PREFIX[protocol] !== undefined) {
    const found = await fromSrv(dns, `${SRV_PREFIX[protocol]}${name}`, protocol);
    if (found.length > 0) return found;
  }
  const p = protocol ?? "udp";
  const list = await addresses(dns, name);
  if (list.length === 0) throw new SipResolveError(`no SRV or A/AAAA records for ${name}`, uri.raw);
  return list.map((address) => ({ protocol: p, address, port: defaultPort(p) }));
}

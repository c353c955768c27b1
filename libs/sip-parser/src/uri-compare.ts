import type { SipParam } from "./params.js";
import { findParam } from "./params.js";
import type { SipUri, TelUri, Uri } from "./uri.js";
import { isSipUri, isTelUri, parseUri } from "./uri.js";

const RESERVED = ";/?:@&=+$,";

/**
 * Canonical form for comparing an escaped URI component: escapes of unreserved characters are
 * decoded, escapes of reserved ones stay escaped with uppercase hex (RFC 3261 §19.1.4: "characters
 * other than those in the reserved set are equivalent to their % HEX HEX encoding").
 */
function canon(text: string): string {
  if (text.indexOf("%") < 0) return text;
  return text.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => {
    const ch = String.fromCharCode(Number.parseInt(hex, 16));
    return RESERVED.includes(ch) ? `%${hex.toUpperCase()}` : ch;
  });
}

function canonLower(text: string | null | undefined): string | null | undefined {
  return text === null || text === undefined ? text : canon(text).toLowerCase();
}

// RFC 3261 §19.1.4: these URI parameters must match when present in either URI.
const STRICT_PARAMS = ["user", "ttl", "method", "maddr", "transport"];

/** Parameters by canonical (unescaped, lowercased) name; the first of repeated names wins. */
function paramMap(params: readonly SipParam[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const p of params) {
    const name = canonLower(p.name) as string;
    if (!out.has(name)) out.set(name, canonLower(p.value) ?? null);
  }
  return out;
}

function paramsEqual(a: readonly SipParam[], b: readonly SipParam[]): boolean {
  const ma = paramMap(a);
  const mb = paramMap(b);
  for (const name of STRICT_PARAMS) {
    if (ma.has(name) !== mb.has(name)) return false;
  }
  // Any parameter appearing in both URIs must match; one present in only one is ignored
  // (unless it is one of the STRICT_PARAMS checked above).
  for (const [name, value] of ma) {
    if (mb.has(name) && mb.get(name) !== value) return false;
  }
  return true;
}

function headersEqual(a: readonly SipParam[], b: readonly SipParam[]): boolean {
  // Header components are never ignored: each one must appear in the other URI with an equal value.
  if (a.length !== b.length) return false;
  for (const ha of a) {
    const name = canonLower(ha.name);
    const hb = b.find((h) => canonLower(h.name) === name);
    if (hb === undefined || canon(ha.value ?? "") !== canon(hb.value ?? "")) return false;
  }
  return true;
}

function sipUrisEqual(a: SipUri, b: SipUri): boolean {
  if (a.scheme !== b.scheme) return false;
  // userinfo is case-sensitive; host is not; a port is only equal to the same explicit port.
  if ((a.user === undefined) !== (b.user === undefined)) return false;
  if (a.user !== undefined && canon(a.user) !== canon(b.user ?? "")) return false;
  if (canon(a.password ?? "") !== canon(b.password ?? "")) return false;
  if (a.host.toLowerCase() !== b.host.toLowerCase()) return false;
  if (a.port !== b.port) return false;
  return paramsEqual(a.params, b.params) && headersEqual(a.headers, b.headers);
}

function telUrisEqual(a: TelUri, b: TelUri): boolean {
  // RFC 3966 §4: visual separators are ignored; parameters compare case-insensitively in any order.
  const digits = (n: string) => n.replace(/[-.()]/g, "").toLowerCase();
  if (digits(a.number) !== digits(b.number)) return false;
  if (a.params.length !== b.params.length) return false;
  for (const pa of a.params) {
    const pb = findParam(b.params, pa.name.toLowerCase());
    if (pb === undefined || canonLower(pa.value) !== canonLower(pb.value)) return false;
  }
  return true;
}

/**
 * URI equivalence per RFC 3261 §19.1.4 for sip/sips, RFC 3966 §4 for tel, and exact comparison
 * (scheme case-insensitive) for other schemes. Accepts parsed URIs or strings.
 */
export function uriEquals(a: Uri | string, b: Uri | string): boolean {
  const ua = typeof a === "string" ? parseUri(a) : a;
  const ub = typeof b === "string" ? parseUri(b) : b;
  if (isSipUri(ua) && isSipUri(ub)) return sipUrisEqual(ua, ub);
  if (isTelUri(ua) && isTelUri(ub)) return telUrisEqual(ua, ub);
  if (isSipUri(ua) || isSipUri(ub) || isTelUri(ua) || isTelUri(ub)) return false;
  return ua.scheme === ub.scheme && ua.rest === ub.rest;
}

import type { SipUri } from "./address-uri.js";
import { toSipHost } from "./domain.js";
import { formatJid, type Jid, parseJid } from "./jid.js";
import { normalizePercentEncoding } from "./percent-encoding.js";
import { parseSipUri } from "./sip-uri.js";
import { isUnreserved } from "./uri-charsets.js";

/**
 * CORE-CASE-02: the canonical key of a SIP address of record: scheme `sip` (also for sips), user with `%HH` of
 * unreserved characters decoded and other escapes in uppercase hex, case kept (RFC 3261 §19.1.4: the user part
 * is case-sensitive), host lowercased in A-label form. Port, parameters and headers are not part of the AOR.
 */
export function sipAorKey(uri: string | SipUri): string {
  const u = typeof uri === "string" ? parseSipUri(uri) : uri;
  const host = toSipHost(u.host);
  if (u.user === undefined) return `sip:${host}`;
  return `sip:${normalizePercentEncoding(u.user, isUnreserved)}@${host}`;
}

/** CORE-CASE-02: the canonical key of a JID is its PRECIS-enforced string form. */
export function jidKey(jid: string | Jid): string {
  return formatJid(typeof jid === "string" ? parseJid(jid) : jid);
}

// Header name handling: names compare case-insensitively (RFC 3261 §7.3.1) and compact forms
// (§7.3.3, plus the registered ones from later RFCs) are the same header as their long form.

const COMPACT: Record<string, string> = {
  a: "accept-contact", // RFC 3841
  b: "referred-by", // RFC 3892
  c: "content-type",
  d: "request-disposition", // RFC 3841
  e: "content-encoding",
  f: "from",
  i: "call-id",
  j: "reject-contact", // RFC 3841
  k: "supported",
  l: "content-length",
  m: "contact",
  n: "identity-info", // RFC 4474
  o: "event", // RFC 6665
  r: "refer-to", // RFC 3515
  s: "subject",
  t: "to",
  u: "allow-events", // RFC 6665
  v: "via",
  x: "session-expires", // RFC 4028
  y: "identity", // RFC 4474
};

const CANONICAL: Record<string, string> = {
  "call-id": "Call-ID",
  cseq: "CSeq",
  "www-authenticate": "WWW-Authenticate",
  "mime-version": "MIME-Version",
};

const cache = new Map<string, string>();
const CACHE_LIMIT = 512;

/** The lookup key for a header name as written: lowercase long form ("v" and "VIA" both give "via"). */
export function headerKey(name: string): string {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const lower = name.toLowerCase();
  const key = lower.length === 1 ? (COMPACT[lower] ?? lower) : lower;
  if (cache.size < CACHE_LIMIT) cache.set(name, key);
  return key;
}

/** The conventional spelling of a header name, e.g. "call-id" -> "Call-ID", "max-forwards" -> "Max-Forwards". */
export function canonicalHeaderName(name: string): string {
  const key = headerKey(name);
  const special = CANONICAL[key];
  if (special !== undefined) return special;
  return key.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

/** Headers whose values are comma-separated lists (RFC 3261 §7.3.1), parsed element by element. */
export const LIST_HEADERS: ReadonlySet<string> = new Set([
  "via",
  "contact",
  "route",
  "record-route",
  "accept",
  "accept-encoding",
  "accept-language",
  "allow",
  "allow-events",
  "content-encoding",
  "content-language",
  "in-reply-to",
  "proxy-require",
  "require",
  "supported",
  "unsupported",
  "path",
  "service-route",
]);

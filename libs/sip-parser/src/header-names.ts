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

function is(s: string, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    // Token characters only reach here, so OR-ing 0x20 lowercases letters and leaves the rest alone.
    if ((s.charCodeAt(at + i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * `headerKey` for the name at `s[at, at+len)` without slicing or hashing when it is one of the
 * common headers (the per-message hot path); falls back to `headerKey`.
 */
export function headerKeyAt(s: string, at: number, len: number): string {
  const c = s.charCodeAt(at) | 0x20;
  if (len === 1) {
    const compact = COMPACT[String.fromCharCode(c)];
    if (compact !== undefined) return compact;
  } else {
    const key = commonKey(s, at, len, c);
    if (key !== undefined) return key;
  }
  return headerKey(s.slice(at, at + len));
}

function commonKey(s: string, at: number, len: number, c: number): string | undefined {
  switch (c) {
    case 0x76: // v
      return len === 3 && is(s, at, "via") ? "via" : undefined;
    case 0x74: // t
      return len === 2 && is(s, at, "to") ? "to" : undefined;
    case 0x66: // f
      return len === 4 && is(s, at, "from") ? "from" : undefined;
    case 0x63: // c
      if (len === 4) return is(s, at, "cseq") ? "cseq" : undefined;
      if (len === 7) return is(s, at, "call-id") ? "call-id" : is(s, at, "contact") ? "contact" : undefined;
      if (len === 12) return is(s, at, "content-type") ? "content-type" : undefined;
      if (len === 14) return is(s, at, "content-length") ? "content-length" : undefined;
      return undefined;
    case 0x6d: // m
      return len === 12 && is(s, at, "max-forwards") ? "max-forwards" : undefined;
    case 0x72: // r
      if (len === 5) return is(s, at, "route") ? "route" : undefined;
      if (len === 12) return is(s, at, "record-route") ? "record-route" : undefined;
      return len === 7 && is(s, at, "require") ? "require" : undefined;
    case 0x65: // e
      if (len === 7) return is(s, at, "expires") ? "expires" : undefined;
      return len === 5 && is(s, at, "event") ? "event" : undefined;
    case 0x61: // a
      if (len === 5) return is(s, at, "allow") ? "allow" : undefined;
      return len === 6 && is(s, at, "accept") ? "accept" : undefined;
    case 0x73: // s
      if (len === 9) return is(s, at, "supported") ? "supported" : undefined;
      return len === 7 && is(s, at, "subject") ? "subject" : undefined;
    case 0x75: // u
      return len === 10 && is(s, at, "user-agent") ? "user-agent" : undefined;
    default:
      return undefined;
  }
}

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

/** Long forms looked up without slicing the name: the headers stox reads plus the common others. */
const KNOWN_KEYS = [
  ...Object.values(COMPACT),
  ...Object.keys(CANONICAL),
  "to",
  "via",
  "from",
  "cseq",
  "date",
  "path",
  "rack",
  "rseq",
  "route",
  "allow",
  "accept",
  "server",
  "min-se",
  "expires",
  "require",
  "privacy",
  "warning",
  "reply-to",
  "priority",
  "sip-etag",
  "call-info",
  "timestamp",
  "error-info",
  "alert-info",
  "user-agent",
  "in-reply-to",
  "retry-after",
  "min-expires",
  "unsupported",
  "max-forwards",
  "record-route",
  "organization",
  "sip-if-match",
  "authorization",
  "proxy-require",
  "service-route",
  "accept-encoding",
  "accept-language",
  "content-language",
  "proxy-authenticate",
  "subscription-state",
  "proxy-authorization",
  "authentication-info",
  "content-disposition",
  "p-asserted-identity",
  "p-preferred-identity",
];

// Open addressing on the hash that the header splitter computes while it scans the name (see
// `nameHash`); slots hold the key and its hash, "" marks an empty slot.
const TABLE_BITS = 9;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
const tableKeys: string[] = Array.from({ length: TABLE_MASK + 1 }, () => "");
const tableHashes = new Int32Array(TABLE_MASK + 1);

/** Hash step over a name character: case-folded (`| 0x20` lowercases letters, token specials keep their code). */
export function nameHashStep(h: number, code: number): number {
  return (Math.imul(h, 31) + (code | 0x20)) | 0;
}

function slotOf(h: number): number {
  return (h ^ (h >>> TABLE_BITS)) & TABLE_MASK;
}

for (const key of new Set(KNOWN_KEYS)) {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = nameHashStep(h, key.charCodeAt(i));
  let slot = slotOf(h);
  while (tableKeys[slot] !== "") slot = (slot + 1) & TABLE_MASK;
  tableKeys[slot] = key;
  tableHashes[slot] = h;
}

/** Long forms of the compact names by character code (lowercase and uppercase), "" for none. */
const COMPACT_BY_CODE: string[] = Array.from({ length: 128 }, (_v, c) => {
  return COMPACT[String.fromCharCode(c | 0x20)] ?? "";
});

/**
 * `headerKey` for the token at `s[at, at+len)` (mirrored in `cc`) whose `nameHashStep` hash is `h`, without slicing
 * or hashing a new string when it is a compact form or one of the known names (the per-message hot
 * path); falls back to `headerKey`.
 */
export function headerKeyAt(cc: Uint16Array, s: string, at: number, len: number, h: number): string {
  if (len === 1) {
    const c = cc[at] as number;
    const compact = c < 128 ? (COMPACT_BY_CODE[c] as string) : "";
    if (compact !== "") return compact;
  } else {
    let slot = slotOf(h);
    for (;;) {
      const key = tableKeys[slot] as string;
      if (key === "") break;
      if (tableHashes[slot] === h && key.length === len) {
        let i = 0;
        // Token characters only reach here, so OR-ing 0x20 lowercases letters and leaves "-" alone.
        while (i < len && ((cc[at + i] as number) | 0x20) === key.charCodeAt(i)) i++;
        if (i === len) return key;
      }
      slot = (slot + 1) & TABLE_MASK;
    }
  }
  return headerKey(s.slice(at, at + len));
}

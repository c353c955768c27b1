import { isToken } from "./chars.js";

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

// The known names (and the compact forms) are matched by a case-insensitive automaton that the
// header splitter steps while it scans each name: one table load per character, and a name that
// ends in an accepting state is known exactly, with no hashing and no second comparison pass.

/** Character classes of header-name characters: 0 = not a token character (the name ends). */
const NAME_CLASS = new Uint8Array(128);
const LETTER = 1; // 1..26 for a..z and A..Z
const DASH = 27;
const OTHER_TOKEN = 28; // digits and the other token marks: no known name has them
const NAME_CLASSES = 29;
for (let c = 0; c < 128; c++) {
  if (!isToken(c)) continue;
  const lower = c | 0x20;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) NAME_CLASS[c] = LETTER + lower - 97;
  else NAME_CLASS[c] = c === 45 ? DASH : OTHER_TOKEN;
}

/** State 0 is dead (an unknown name; it loops to itself), state 1 the start. */
export const NAME_START = 1;
const stateKeys: string[] = ["", ""];
const transitions: number[] = new Array(2 * NAME_CLASSES).fill(0);

function addName(spelling: string, key: string): void {
  let state = NAME_START;
  for (let i = 0; i < spelling.length; i++) {
    const cls = NAME_CLASS[spelling.charCodeAt(i)] as number;
    let next = transitions[state * NAME_CLASSES + cls] as number;
    if (next === 0) {
      next = stateKeys.length;
      stateKeys.push("");
      for (let k = 0; k < NAME_CLASSES; k++) transitions.push(0);
      transitions[state * NAME_CLASSES + cls] = next;
    }
    state = next;
  }
  stateKeys[state] = key;
}

for (const key of new Set(KNOWN_KEYS)) addName(key, key);
for (const [letter, key] of Object.entries(COMPACT)) addName(letter, key);

/** What `NAME_STEP` gives for a character that is not a token character: the name ended. */
export const NAME_END = 0xffff;

/**
 * `NAME_STEP[(state << 7) | code]` is the next state for a character code below 128, or
 * `NAME_END`. Indexed by the code itself, not by its class, so each character costs one table
 * load (V8 re-checks every typed array it reads on each iteration of an optimized loop).
 */
export const NAME_STEP = new Uint16Array((transitions.length / NAME_CLASSES) * 128);
for (let state = 0; state < transitions.length / NAME_CLASSES; state++) {
  for (let c = 0; c < 128; c++) {
    const cls = NAME_CLASS[c] as number;
    NAME_STEP[(state << 7) | c] = cls === 0 ? NAME_END : (transitions[state * NAME_CLASSES + cls] as number);
  }
}

/**
 * The headers whose lines the splitter indexes (see `LazyNames.lines`), so the structured getters
 * find them without comparing every key. The position in this list is the header's index id.
 */
export const INDEXED_KEYS = [
  "via",
  "from",
  "to",
  "call-id",
  "cseq",
  "max-forwards",
  "contact",
  "route",
  "record-route",
  "content-type",
  "expires",
  "content-length",
] as const;

/** `NAME_INDEX_IDS[state]` is 1 + the index id of the key accepted in `state`, 0 for none. */
export const NAME_INDEX_IDS = Uint8Array.from(stateKeys, (key) => (INDEXED_KEYS as readonly string[]).indexOf(key) + 1);

/**
 * `headerKey` for the name at `s[at, end)` after the automaton stopped in `state`: the known key
 * without slicing the name, else the slow path.
 */
export function headerKeyOfState(state: number, s: string, at: number, end: number): string {
  const key = stateKeys[state] as string;
  return key !== "" ? key : headerKey(s.slice(at, end));
}

// Character classes from the RFC 3261 §25.1 ABNF, as bit flags in one 256-entry table so every
// scanner tests a byte with a single array load.

export const ALNUM = 1;
/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN = 2;
/** word = token chars plus ( ) < > : \ DQUOTE / [ ] ? { } (Call-ID) */
export const WORD = 4;
/** unreserved = alphanum / mark */
export const UNRESERVED = 8;
/** user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/" */
export const USER_UNRESERVED = 16;
/** param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$" */
export const PARAM_UNRESERVED = 32;
/** hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$" */
export const HNV_UNRESERVED = 64;
/** password extras: "&" / "=" / "+" / "$" / "," */
export const PASSWORD_EXTRA = 128;
/** hostname characters plus the IPv6 reference characters "[" "]" ":" */
export const HOST = 256;
/** uric (RFC 2396, used by absoluteURI): reserved / unreserved / escaped */
export const URIC = 512;
export const DIGIT = 1024;
export const HEX = 2048;

export const CHAR = new Uint16Array(256);

/**
 * What the scanners use as the character code past the end of their range: no flag, no
 * delimiter, and above 127, so `c < 128 && CHAR[c] & flag` is false without reading out of bounds.
 *
 * The hot scanners read mirrored codes (see mirror.ts), and never past `end`: the mirror is longer
 * than the text and holds stale codes there. Where a loop still reads a string, two V8 (Node 20)
 * facts apply, each costing 3-5x when ignored:
 * - `s.charCodeAt(i)` with `i` outside the string returns NaN, but in optimized code the first such
 *   read deoptimizes and the re-optimized function calls the slow builtin from then on. Loops
 *   check `i < end` before reading and use PAST_END instead.
 * - The `charCodeAt` lookup is cached per call site by string shape. Parsed text comes in four
 *   shapes (flat or sliced, one- or two-byte); a fifth (a cons string from `+`, an internalized
 *   one-character string such as "0") makes the site megamorphic. Folded header lines are joined
 *   with `Array.prototype.join`, whose result is flat.
 */
export const PAST_END = 0x10000;

function mark(chars: string, flag: number): void {
  for (let i = 0; i < chars.length; i++) {
    const c = chars.charCodeAt(i);
    CHAR[c] = (CHAR[c] ?? 0) | flag;
  }
}

const alpha = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const digits = "0123456789";
const alnum = alpha + digits;
mark(alnum, ALNUM | TOKEN | WORD | UNRESERVED | HOST | URIC);
mark(digits, DIGIT | HEX);
mark("abcdefABCDEF", HEX);
mark("-.!%*_+`'~", TOKEN | WORD);
mark('()<>:\\"/[]?{}', WORD);
mark("-_.!~*'()", UNRESERVED | URIC);
mark("&=+$,;?/", USER_UNRESERVED);
mark("[]/:&+$", PARAM_UNRESERVED);
mark("[]/?:+$", HNV_UNRESERVED);
mark("&=+$,", PASSWORD_EXTRA);
mark("-.[]:", HOST);
mark(";/?:@&=+$,%", URIC);

// Only ASCII carries flags, so `c < 128` guards every table read.

export function isToken(code: number): boolean {
  return code < 128 && ((CHAR[code] as number) & TOKEN) !== 0;
}

export function has(code: number, flag: number): boolean {
  return code < 128 && ((CHAR[code] as number) & flag) !== 0;
}

/** LWS characters inside a header value after unfolding: SP and HTAB. */
export function isWsp(code: number): boolean {
  return code === 32 || code === 9;
}

export function skipWsp(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/** Index after a run of characters carrying `flag`, starting at `i`. */
export function scan(s: string, i: number, end: number, flag: number): number {
  const table = CHAR;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c >= 128 || ((table[c] as number) & flag) === 0) break;
    i++;
  }
  return i;
}

/** `skipWsp` over mirrored character codes (see mirror.ts). */
export function skipWspC(cc: Uint16Array, i: number, end: number): number {
  while (i < end) {
    const c = cc[i] as number;
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/**
 * `scan` over mirrored character codes (see mirror.ts), for a `flag` that includes the
 * alphanumerics (every class scanned this way does). Alphanumerics are tested inline, before the
 * table: V8 (Node 20) re-checks the table array and the untagged flag on every iteration of an
 * optimized loop, which costs more than a few comparisons.
 */
export function scanC(cc: Uint16Array, i: number, end: number, flag: number): number {
  const table = CHAR; // a local: module bindings are re-read (with a hole check) on every use
  while (i < end) {
    const c = cc[i] as number;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90)) {
      i++;
      continue;
    }
    if (c >= 128 || ((table[c] as number) & flag) === 0) break;
    i++;
  }
  return i;
}

import { CHAR, skipWspC, TOKEN } from "./chars.js";
import { syntaxError } from "./errors.js";
import { mirror } from "./mirror.js";
import type { SipParam } from "./params.js";
import { formatParams, paramCursor, readGenericParams } from "./params.js";
import { quote, scanQuotedString, unquote } from "./quoted-string.js";
import type { Uri } from "./uri.js";
import { isSipUri, parseUriC } from "./uri.js";

/**
 * A From/To/Contact/Route-style value (RFC 3261 §20.10, §25.1): `name-addr` or `addr-spec`
 * followed by header parameters such as `tag`, `expires` or `q`.
 */
export interface NameAddr {
  /** Display name with quotes removed and quoted-pairs resolved; `undefined` when none was given. */
  readonly displayName: string | undefined;
  readonly uri: Uri;
  /** Header parameters (not URI parameters), as written. */
  readonly params: readonly SipParam[];
  /** True when the URI was written inside `<` `>`. */
  readonly isBracketed: boolean;
}

/** Where the last `parseNameAddrAt` stopped (a shared cursor instead of a result object per address). */
export const nameAddrCursor = { next: 0 };

function addrSpecEnd(cc: Uint16Array, i: number, end: number): number {
  while (i < end) {
    const c = cc[i] as number;
    // RFC 3261 §20: a URI containing ",", ";" or "?" must be bracketed, so an addr-spec stops at
    // the first of them (or at whitespace).
    if (c === 59 || c === 44 || c === 32 || c === 9) break;
    i++;
  }
  return i;
}

/**
 * Parses one name-addr / addr-spec with its parameters from `i`; stops at a comma when `inList`
 * and leaves the stop position in `nameAddrCursor.next`.
 */
export function parseNameAddrAt(s: string, cc: Uint16Array, i: number, end: number, inList: boolean): NameAddr {
  i = skipWspC(cc, i, end);
  if (i >= end) throw syntaxError("empty address", i);
  let displayName: string | undefined;
  let isBracketed = false;
  let uri: Uri;
  let j = i;
  if ((cc[i] as number) === 34) {
    const q = scanQuotedString(cc, i, end);
    const inner = s.slice(i + 1, q - 1);
    displayName = inner.indexOf("\\") < 0 ? inner : unquote(`"${inner}"`);
    j = skipWspC(cc, q, end);
    if (j >= end || (cc[j] as number) !== 60) throw syntaxError('expected "<" after display name', j);
  } else {
    // display-name = *(token LWS): scan tokens and whitespace; a "<" after them makes it a name-addr.
    const table = CHAR; // a local: imports are re-read on every use
    while (j < end) {
      const c = cc[j] as number;
      // Letters inline before the table (see scanC).
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 32 || c === 9) j++;
      else if (c < 128 && ((table[c] as number) & TOKEN) !== 0) j++;
      else break;
    }
    if (j < end && (cc[j] as number) === 60) {
      let k = j;
      while (k > i && ((cc[k - 1] as number) === 32 || (cc[k - 1] as number) === 9)) k--;
      if (k > i) {
        const name = s.slice(i, k);
        // LWS inside a token display name is equivalent to one SP.
        displayName = name.indexOf("  ") < 0 && name.indexOf("\t") < 0 ? name : name.replace(/[ \t]+/g, " ");
      }
    } else j = -1;
  }
  if (j >= 0) {
    isBracketed = true;
    const close = s.indexOf(">", j + 1);
    if (close < 0 || close >= end) throw syntaxError('missing ">"', j);
    uri = parseUriC(s, cc, j + 1, close);
    i = close + 1;
  } else {
    const uriEnd = addrSpecEnd(cc, i, end);
    uri = parseUriC(s, cc, i, uriEnd);
    if (isSipUri(uri) && uri.headers.length > 0) {
      throw syntaxError("a URI with headers must be enclosed in <> (RFC 3261 §20)", i);
    }
    i = uriEnd;
  }
  const params = readGenericParams(s, cc, i, end, inList);
  nameAddrCursor.next = paramCursor.pos;
  return { displayName, uri, params, isBracketed };
}

/** Parses a header value holding exactly one address (From, To, Reply-To, Refer-To...). */
export function parseNameAddr(value: string): NameAddr {
  return parseNameAddrAt(value, mirror(value), 0, value.length, false);
}

/** Parses a comma-separated list of addresses (Contact, Route, Record-Route, Path...). */
export function parseNameAddrList(value: string, out: NameAddr[] = []): NameAddr[] {
  return parseNameAddrListC(value, mirror(value), 0, value.length, out);
}

/** `parseNameAddrList` over `s[start, end)` with `cc` mirroring `s` (see mirror.ts). */
export function parseNameAddrListC(
  s: string,
  cc: Uint16Array,
  start: number,
  end: number,
  out: NameAddr[],
): NameAddr[] {
  let i = start;
  for (;;) {
    out.push(parseNameAddrAt(s, cc, i, end, true));
    i = skipWspC(cc, nameAddrCursor.next, end);
    if (i >= end) return out;
    i++; // the comma
  }
}

/** Serializes an address in name-addr form (always bracketed, so any URI is safe). */
export function formatNameAddr(addr: {
  readonly displayName?: string | undefined;
  readonly uri: Uri | string;
  readonly params?: readonly SipParam[];
}): string {
  const uri = typeof addr.uri === "string" ? addr.uri : addr.uri.raw;
  const name = addr.displayName === undefined ? "" : `${quote(addr.displayName)} `;
  return `${name}<${uri}>${formatParams(addr.params ?? [])}`;
}

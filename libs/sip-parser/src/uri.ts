import {
  CHAR,
  DIGIT,
  HEX,
  HNV_UNRESERVED,
  has,
  PARAM_UNRESERVED,
  PASSWORD_EXTRA,
  UNRESERVED,
  URIC,
  USER_UNRESERVED,
} from "./chars.js";
import { syntaxError } from "./errors.js";
import { mirror } from "./mirror.js";
import type { SipParam } from "./params.js";

/** A `sip:` or `sips:` URI (RFC 3261 §19.1). Every part is kept as written, escapes included. */
export interface SipUri {
  readonly scheme: "sip" | "sips";
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly host: string;
  readonly port: number | undefined;
  readonly params: readonly SipParam[];
  /** URI headers (`?name=value&...`), names and values still escaped. */
  readonly headers: readonly SipParam[];
  readonly raw: string;
}

/** A `tel:` URI (RFC 3966): the subscriber number as written and its parameters. */
export interface TelUri {
  readonly scheme: "tel";
  readonly number: string;
  readonly params: readonly SipParam[];
  readonly raw: string;
}

/** Any other absolute URI (RFC 3261 §25.1 absoluteURI); `scheme` is lowercased, `rest` is what follows the colon. */
export interface AbsoluteUri {
  readonly scheme: string;
  readonly rest: string;
  readonly raw: string;
}

export type Uri = SipUri | TelUri | AbsoluteUri;

export function isSipUri(uri: Uri): uri is SipUri {
  return uri.scheme === "sip" || uri.scheme === "sips";
}

export function isTelUri(uri: Uri): uri is TelUri {
  return uri.scheme === "tel";
}

/** Index after a run of `flag` characters or `%HH` escapes; `flag` includes the alphanumerics (see `scanC`). */
function scanEscaped(cc: Uint16Array, i: number, end: number, flag: number): number {
  const table = CHAR; // a local: imports are re-read on every use
  while (i < end) {
    const c = cc[i] as number;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90)) i++;
    else if (c < 128 && ((table[c] as number) & flag) !== 0) i++;
    else if (c === 37) {
      if (i + 2 >= end || !has(cc[i + 1] as number, HEX) || !has(cc[i + 2] as number, HEX)) {
        throw syntaxError("bad %-escape", i);
      }
      i += 3;
    } else break;
  }
  return i;
}

const USER = UNRESERVED | USER_UNRESERVED;
const PASSWORD = UNRESERVED | PASSWORD_EXTRA;
const PARAMCHAR = UNRESERVED | PARAM_UNRESERVED;
const HNVCHAR = UNRESERVED | HNV_UNRESERVED;

function parseHost(cc: Uint16Array, i: number, end: number): number {
  if (i < end && (cc[i] as number) === 91) {
    // IPv6reference = "[" IPv6address "]"
    let j = i + 1;
    while (j < end) {
      const c = cc[j] as number;
      if (c === 93) break;
      if (!has(c, HEX) && c !== 58 && c !== 46) throw syntaxError("bad IPv6 reference", j);
      j++;
    }
    if (j >= end || j === i + 1) throw syntaxError("unterminated IPv6 reference", i);
    return j + 1;
  }
  let j = i;
  while (j < end) {
    const c = cc[j] as number;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 45 || (c >= 65 && c <= 90)) j++;
    else break;
  }
  if (j === i) throw syntaxError("missing host", i);
  return j;
}

function parsePort(cc: Uint16Array, i: number, end: number): { port: number; next: number } {
  let j = i;
  let port = 0;
  while (j < end && has(cc[j] as number, DIGIT)) {
    port = port * 10 + ((cc[j] as number) - 48);
    j++;
    if (port > 65535) throw syntaxError("port out of range", i);
  }
  if (j === i) throw syntaxError("missing port", i);
  return { port, next: j };
}

function parseUriParams(s: string, cc: Uint16Array, i: number, end: number, out: SipParam[]): number {
  while (i < end && (cc[i] as number) === 59) {
    const nameStart = i + 1;
    const nameEnd = scanEscaped(cc, nameStart, end, PARAMCHAR);
    if (nameEnd === nameStart) throw syntaxError("empty URI parameter", nameStart);
    let value: string | null = null;
    i = nameEnd;
    if (i < end && (cc[i] as number) === 61) {
      const v = scanEscaped(cc, i + 1, end, PARAMCHAR);
      if (v === i + 1) throw syntaxError("empty URI parameter value", i);
      value = s.slice(i + 1, v);
      i = v;
    }
    out[out.length] = { name: s.slice(nameStart, nameEnd), value }; // not push: see splitHeaders
  }
  return i;
}

const NONE: readonly SipParam[] = Object.freeze([]);

function parseSipUri(s: string, cc: Uint16Array, start: number, schemeEnd: number, end: number): SipUri {
  const scheme = schemeEnd - start === 3 ? "sip" : "sips";
  let i = schemeEnd + 1;
  let user: string | undefined;
  let password: string | undefined;
  const at = s.indexOf("@", i);
  if (at >= 0 && at < end) {
    const userEnd = scanEscaped(cc, i, at, USER);
    if (userEnd === i) throw syntaxError("empty user part", i);
    user = s.slice(i, userEnd);
    if (userEnd < at) {
      if ((cc[userEnd] as number) !== 58) throw syntaxError(`bad character "${s[userEnd]}" in user part`, userEnd);
      const pwEnd = scanEscaped(cc, userEnd + 1, at, PASSWORD);
      if (pwEnd !== at) throw syntaxError(`bad character "${s[pwEnd]}" in password`, pwEnd);
      password = s.slice(userEnd + 1, at);
    }
    i = at + 1;
  }
  const hostEnd = parseHost(cc, i, end);
  const host = s.slice(i, hostEnd);
  i = hostEnd;
  let port: number | undefined;
  if (i < end && (cc[i] as number) === 58) {
    const p = parsePort(cc, i + 1, end);
    port = p.port;
    i = p.next;
  }
  let params = NONE;
  if (i < end && (cc[i] as number) === 59) {
    const list: SipParam[] = [];
    i = parseUriParams(s, cc, i, end, list);
    params = list;
  }
  let headers = NONE;
  if (i < end && (cc[i] as number) === 63) {
    const list: SipParam[] = [];
    headers = list;
    do {
      const nameStart = i + 1;
      const nameEnd = scanEscaped(cc, nameStart, end, HNVCHAR);
      if (nameEnd === nameStart || nameEnd >= end || (cc[nameEnd] as number) !== 61) {
        throw syntaxError("bad URI header", nameStart);
      }
      const valueEnd = scanEscaped(cc, nameEnd + 1, end, HNVCHAR);
      list.push({ name: s.slice(nameStart, nameEnd), value: s.slice(nameEnd + 1, valueEnd) });
      i = valueEnd;
    } while (i < end && (cc[i] as number) === 38);
  }
  if (i !== end) throw syntaxError(`unexpected "${s[i]}" in SIP URI`, i);
  return { scheme, user, password, host, port, params, headers, raw: s.slice(start, end) };
}

function parseTelUri(s: string, cc: Uint16Array, start: number, schemeEnd: number, end: number): TelUri {
  let i = schemeEnd + 1;
  const numberStart = i;
  while (i < end) {
    const c = cc[i] as number;
    // RFC 3966: digits, hex digits, "*", "#", "+", visual separators "-" "." "(" ")", and pause chars.
    if (has(c, HEX) || c === 42 || c === 35 || c === 43 || c === 45 || c === 46 || c === 40 || c === 41) i++;
    else if (c === 112 || c === 119 || c === 80 || c === 87) i++;
    else break;
  }
  if (i === numberStart) throw syntaxError("empty telephone number", i);
  const number = s.slice(numberStart, i);
  const params: SipParam[] = [];
  i = parseUriParams(s, cc, i, end, params);
  if (i !== end) throw syntaxError(`unexpected "${s[i]}" in tel URI`, i);
  return { scheme: "tel", number, params, raw: s.slice(start, end) };
}

/**
 * Parses the URI in `s[start, end)`: `sip:`/`sips:` per RFC 3261 §19.1, `tel:` per RFC 3966,
 * anything else as an absoluteURI. Throws `SipParseError` on bad syntax.
 */
export function parseUri(s: string, start = 0, end = s.length): Uri {
  return parseUriC(s, mirror(s), start, end);
}

/** `parseUri` with `cc` mirroring `s` (see mirror.ts). */
export function parseUriC(s: string, cc: Uint16Array, start: number, end: number): Uri {
  let i = start;
  const c0 = i < end ? (cc[i] as number) : -1;
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122))) throw syntaxError("URI must start with a scheme", i);
  i++;
  while (i < end) {
    const c = cc[i] as number;
    // Inline, not has(): see scanC.
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) i++;
    else break;
  }
  if (i >= end || (cc[i] as number) !== 58) throw syntaxError('URI scheme must end with ":"', i);
  const len = i - start;
  if (len === 3 || len === 4) {
    // Scheme names are case-insensitive; OR-ing 0x20 lowercases the letters checked here.
    const c1 = (cc[start + 1] as number) | 0x20;
    const c2 = (cc[start + 2] as number) | 0x20;
    const c0l = c0 | 0x20;
    if (c0l === 0x73 && c1 === 0x69 && c2 === 0x70 && (len === 3 || ((cc[start + 3] as number) | 0x20) === 0x73)) {
      return parseSipUri(s, cc, start, i, end);
    }
    if (len === 3 && c0l === 0x74 && c1 === 0x65 && c2 === 0x6c) return parseTelUri(s, cc, start, i, end);
  }
  const restStart = i + 1;
  const restEnd = scanEscaped(cc, restStart, end, URIC);
  if (restEnd === restStart) throw syntaxError("empty URI after scheme", restStart);
  if (restEnd !== end) throw syntaxError(`unexpected "${s[restEnd]}" in URI`, restEnd);
  return { scheme: s.slice(start, i).toLowerCase(), rest: s.slice(restStart, end), raw: s.slice(start, end) };
}

/** Decodes every `%HH` escape (RFC 3261 §19.1.2). The result is one character per octet. */
export function unescapeUriPart(text: string): string {
  if (text.indexOf("%") < 0) return text;
  return text.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Escapes every character outside `allowed` (plus alphanumerics and the marks) as `%HH`. */
export function escapeUriPart(text: string, allowed = ""): string {
  let out = "";
  for (const ch of Buffer.from(text, "utf8")) {
    const c = String.fromCharCode(ch);
    if (ch < 128 && (has(ch, UNRESERVED) || allowed.includes(c))) out += c;
    else out += `%${ch.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

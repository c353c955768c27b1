import { PAST_END, scanC, skipWspC, TOKEN } from "./chars.js";
import { syntaxError } from "./errors.js";
import { mirror } from "./mirror.js";
import type { SipParam } from "./params.js";
import { paramCursor, readGenericParams } from "./params.js";

/** One Via header field value (RFC 3261 §20.42, RFC 3581 for rport). */
export interface Via {
  /** Protocol name and version, e.g. "SIP/2.0". */
  readonly protocol: string;
  /** Transport as written, e.g. "UDP", "TCP", "TLS", "WS". */
  readonly transport: string;
  readonly host: string;
  readonly port: number | undefined;
  readonly params: readonly SipParam[];
  readonly branch: string | undefined;
  readonly received: string | undefined;
  /** `null` for a bare `;rport` (a request asking for it), a number once filled in, `undefined` when absent. */
  readonly rport: number | null | undefined;
}

/** RFC 3261 §8.1.1.7: a branch made by an RFC 3261 element starts with the magic cookie and has more after it. */
export function isRfc3261Branch(branch: string | undefined): boolean {
  return branch !== undefined && branch.length > 7 && branch.startsWith("z9hG4bK");
}

function expectSlash(cc: Uint16Array, i: number, end: number): number {
  i = skipWspC(cc, i, end);
  if (i >= end || (cc[i] as number) !== 47) throw syntaxError('expected "/" in Via sent-protocol', i);
  return skipWspC(cc, i + 1, end);
}

function token(cc: Uint16Array, i: number, end: number, what: string): number {
  const e = scanC(cc, i, end, TOKEN);
  if (e === i) throw syntaxError(`missing ${what} in Via`, i);
  return e;
}

/** Where parseSentBy stopped and the port it read (a shared cursor instead of a result object). */
const sentByCursor = { next: 0, port: undefined as number | undefined };

/** sent-by = host [ COLON port ]; returns the host and leaves the port and end in `sentByCursor`. */
function parseSentBy(s: string, cc: Uint16Array, i: number, end: number): string {
  let j = i;
  if (i < end && (cc[i] as number) === 91) {
    j = s.indexOf("]", i);
    if (j < 0 || j >= end) throw syntaxError("unterminated IPv6 reference in Via", i);
    j++;
  } else {
    while (j < end) {
      const c = cc[j] as number;
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 45 || (c >= 65 && c <= 90)) j++;
      else break;
    }
  }
  if (j === i) throw syntaxError("missing sent-by host in Via", i);
  const host = s.slice(i, j);
  let port: number | undefined;
  let k = skipWspC(cc, j, end);
  if (k < end && (cc[k] as number) === 58) {
    k = skipWspC(cc, k + 1, end);
    const start = k;
    let n = 0;
    const past = PAST_END;
    let c = k < end ? (cc[k] as number) : past;
    while (c >= 48 && c <= 57) {
      n = n * 10 + c - 48;
      if (n > 65535) throw syntaxError("Via port out of range", start);
      c = ++k < end ? (cc[k] as number) : past;
    }
    if (k === start) throw syntaxError("missing Via port", k);
    port = n;
    j = k;
  }
  sentByCursor.next = j;
  sentByCursor.port = port;
  return host;
}

function sameIgnoringCase(name: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

/** The lowercase name of a Via parameter `checkParam` cares about (same length assumed checked), else undefined. */
function viaParamName(name: string): string | undefined {
  // Parameter names are tokens, so OR-ing 0x20 only lowercases letters (and "_" never matches a letter).
  switch (name.length) {
    case 6:
      return sameIgnoringCase(name, "branch") ? "branch" : undefined;
    case 8:
      return sameIgnoringCase(name, "received") ? "received" : undefined;
    case 5:
      return sameIgnoringCase(name, "rport") ? "rport" : undefined;
    case 3:
      return sameIgnoringCase(name, "ttl") ? "ttl" : undefined;
    default:
      return undefined;
  }
}

/** True when `SIP/2.0/` (exact case, as nearly every Via writes it) starts at `i`. */
function isSip20Slash(cc: Uint16Array, i: number): boolean {
  return (
    cc[i] === 83 &&
    cc[i + 1] === 73 &&
    cc[i + 2] === 80 &&
    cc[i + 3] === 47 &&
    cc[i + 4] === 50 &&
    cc[i + 5] === 46 &&
    cc[i + 6] === 48 &&
    cc[i + 7] === 47
  );
}

/** The transport at `s[i, i+3)`, sharing one string for the common UDP/TCP/TLS spellings. */
function commonTransport(s: string, cc: Uint16Array, i: number): string {
  const a = cc[i] as number;
  const b = cc[i + 1] as number;
  const c = cc[i + 2] as number;
  if (a === 85 && b === 68 && c === 80) return "UDP";
  if (a === 84 && b === 67 && c === 80) return "TCP";
  if (a === 84 && b === 76 && c === 83) return "TLS";
  return s.slice(i, i + 3);
}

/** Checks a Via parameter value that RFC 3261 §20.42 / RFC 3581 constrain; returns the rport value if it is rport. */
function checkParam(name: string, v: string | null, at: number): void {
  if (name === "branch") {
    if (v === null || v.charCodeAt(0) === 34) throw syntaxError("bad Via branch", at);
  } else if (name === "rport") {
    if (v !== null && !(/^\d{1,5}$/.test(v) && Number(v) <= 65535)) throw syntaxError("bad Via rport", at);
  } else if (name === "ttl" && !(v !== null && /^\d{1,3}$/.test(v) && Number(v) <= 255)) {
    throw syntaxError("bad Via ttl", at);
  }
}

/** Parses every Via value in one header field (comma-separated) and appends them to `out`. */
export function parseViaList(s: string, out: Via[] = []): Via[] {
  return parseViaListC(s, mirror(s), 0, s.length, out);
}

/** `parseViaList` over `s[start, end)` with `cc` mirroring `s` (see mirror.ts). */
export function parseViaListC(s: string, cc: Uint16Array, start: number, end: number, out: Via[]): Via[] {
  let i = start;
  for (;;) {
    i = skipWspC(cc, i, end);
    const at = i;
    let protocol: string;
    if (i + 8 <= end && isSip20Slash(cc, i)) {
      protocol = "SIP/2.0";
      i += 8;
    } else {
      let e = token(cc, i, end, "protocol name");
      const name = s.slice(i, e);
      i = expectSlash(cc, e, end);
      e = token(cc, i, end, "protocol version");
      protocol = `${name}/${s.slice(i, e)}`;
      i = expectSlash(cc, e, end);
    }
    const e = token(cc, i, end, "transport");
    const transport = e - i === 3 ? commonTransport(s, cc, i) : s.slice(i, e);
    i = skipWspC(cc, e, end);
    if (i === e) throw syntaxError("expected whitespace before Via sent-by", i);
    const host = parseSentBy(s, cc, i, end);
    const port = sentByCursor.port;
    const params = readGenericParams(s, cc, sentByCursor.next, end, true);
    let branch: string | undefined;
    let received: string | undefined;
    let rport: number | null | undefined;
    for (let k = 0; k < params.length; k++) {
      const p = params[k] as SipParam;
      const len = p.name.length;
      if (len !== 6 && len !== 8 && len !== 5 && len !== 3) continue;
      const first = p.name.charCodeAt(0) | 0x20;
      if (first !== 0x62 && first !== 0x72 && first !== 0x74) continue; // b, r, t
      const name = viaParamName(p.name);
      if (name === undefined) continue;
      checkParam(name, p.value, at);
      if (name === "branch") branch ??= p.value ?? undefined;
      else if (name === "received") received ??= p.value ?? undefined;
      else if (name === "rport") rport = p.value === null ? null : Number(p.value);
    }
    out.push({ protocol, transport, host, port, params, branch, received, rport });
    i = skipWspC(cc, paramCursor.pos, end);
    if (i >= end) return out;
    i++; // the comma
  }
}

import { scan, scanC, skipWsp, skipWspC, TOKEN, WORD } from "./chars.js";
import { syntaxError } from "./errors.js";
import { mirror } from "./mirror.js";

/** CSeq (RFC 3261 §20.16): a sequence number below 2**32 and a method. */
export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

const MAX_U32 = 4294967295;

/** Where the last `readUint` stopped (a shared cursor instead of a result object). */
const uintCursor = { next: 0 };

/** Reads 1*DIGIT at `i` as a number no larger than `max`; leading zeros are fine (RFC 4475 §3.1.1.1). */
function readUint(cc: Uint16Array, i: number, end: number, max: number, what: string): number {
  let j = i;
  let n = 0;
  while (j < end) {
    const c = cc[j] as number;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    if (n > max) throw syntaxError(`${what} is larger than ${max}`, i);
    j++;
  }
  if (j === i) throw syntaxError(`${what} is not a number`, i);
  uintCursor.next = j;
  return n;
}

/** Parses a whole header value that must be 1*DIGIT no larger than `max`. */
export function parseUint(value: string, max: number, what: string): number {
  return parseUintC(mirror(value), 0, value.length, max, what);
}

/** `parseUint` over `[start, end)` of mirrored codes (see mirror.ts); offsets in errors are absolute. */
export function parseUintC(cc: Uint16Array, start: number, end: number, max: number, what: string): number {
  const i = skipWspC(cc, start, end);
  const n = readUint(cc, i, end, max, what);
  const digitsEnd = uintCursor.next;
  if (skipWspC(cc, digitsEnd, end) !== end) throw syntaxError(`${what} is not a number`, digitsEnd);
  return n;
}

export function parseCSeq(value: string): CSeq {
  return parseCSeqC(value, mirror(value), 0, value.length);
}

/** `parseCSeq` over `s[start, end)` with `cc` mirroring `s`; offsets in errors are absolute. */
export function parseCSeqC(s: string, cc: Uint16Array, start: number, end: number): CSeq {
  const seq = readUint(cc, skipWspC(cc, start, end), end, MAX_U32, "CSeq sequence number");
  const next = uintCursor.next;
  const m = skipWspC(cc, next, end);
  if (m === next) throw syntaxError("expected whitespace after CSeq number", m);
  const methodEnd = scanC(cc, m, end, TOKEN);
  if (methodEnd === m || skipWspC(cc, methodEnd, end) !== end) throw syntaxError("bad CSeq method", m);
  return { seq, method: s.slice(m, methodEnd) };
}

/** Max-Forwards (RFC 3261 §20.22): 0-255. */
export function parseMaxForwards(value: string): number {
  return parseUint(value, 255, "Max-Forwards");
}

/** delta-seconds for Expires and similar headers (RFC 3261 §20.19): 0 to 2**32-1. */
export function parseDeltaSeconds(value: string, what = "Expires"): number {
  return parseUint(value, MAX_U32, what);
}

/** Checks a Call-ID (RFC 3261 §25.1: callid = word ["@" word]) and returns it. */
export function checkCallId(value: string): string {
  checkCallIdC(mirror(value), 0, value.length);
  return value;
}

/** `checkCallId` over `[start, end)` of mirrored codes (see mirror.ts); offsets in errors are absolute. */
export function checkCallIdC(cc: Uint16Array, start: number, end: number): void {
  let i = scanC(cc, start, end, WORD);
  if (i === start) throw syntaxError("empty or malformed Call-ID", start);
  if (i < end && cc[i] === 64) {
    const j = scanC(cc, i + 1, end, WORD);
    if (j === i + 1) throw syntaxError("empty word after @ in Call-ID", i);
    i = j;
  }
  if (i !== end) throw syntaxError("malformed Call-ID", i);
}

/** Splits a comma-separated list of tokens (Require, Supported, Allow...), trimming LWS. */
export function parseTokenList(value: string): string[] {
  const out: string[] = [];
  const end = value.length;
  let i = 0;
  for (;;) {
    i = skipWsp(value, i, end);
    if (i >= end) return out;
    const e = scan(value, i, end, TOKEN);
    if (e === i) throw syntaxError("expected a token", i);
    out.push(value.slice(i, e));
    i = skipWsp(value, e, end);
    if (i >= end) return out;
    if (value.charCodeAt(i) !== 44) throw syntaxError('expected ","', i);
    i++;
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DATE_RE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/**
 * Date (RFC 3261 §20.17): rfc1123-date with "GMT" as the only time zone. RFC 4475 §3.1.2.12:
 * "UT", "UTC", "EST" and the like are invalid.
 */
export function parseSipDate(value: string): Date {
  const m = DATE_RE.exec(value.trim());
  const month = m === null ? -1 : MONTHS.indexOf(m[3] as string);
  if (m === null || month < 0) throw syntaxError(`bad Date "${value}" (only rfc1123-date in GMT is allowed)`, 0);
  const [, , day, , year, hh, mm, ss] = m;
  return new Date(Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss)));
}

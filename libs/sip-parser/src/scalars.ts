import { DIGIT, has, PAST_END, scan, skipWsp, TOKEN, WORD } from "./chars.js";
import { syntaxError } from "./errors.js";

/** CSeq (RFC 3261 §20.16): a sequence number below 2**32 and a method. */
export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

const MAX_U32 = 4294967295;

/** Reads 1*DIGIT at `i` as a number no larger than `max`; leading zeros are fine (RFC 4475 §3.1.1.1). */
function readUint(s: string, i: number, end: number, max: number, what: string): { value: number; next: number } {
  let j = i;
  let n = 0;
  while (j < end && has(s.charCodeAt(j), DIGIT)) {
    n = n * 10 + (s.charCodeAt(j) - 48);
    if (n > max) throw syntaxError(`${what} is larger than ${max}`, i);
    j++;
  }
  if (j === i) throw syntaxError(`${what} is not a number`, i);
  return { value: n, next: j };
}

/**
 * Parses a whole header value that must be 1*DIGIT no larger than `max`. Scans with its own loop:
 * "Content-Length: 0" gives a one-character string, which V8 keeps internalized, a string shape the
 * shared scanners should not see (see the note in chars.ts).
 */
export function parseUint(value: string, max: number, what: string): number {
  const end = value.length;
  let i = 0;
  let c = end > 0 ? value.charCodeAt(0) : PAST_END;
  while (c === 32 || c === 9) c = ++i < end ? value.charCodeAt(i) : PAST_END;
  const start = i;
  let n = 0;
  while (c >= 48 && c <= 57) {
    n = n * 10 + (c - 48);
    if (n > max) throw syntaxError(`${what} is larger than ${max}`, start);
    c = ++i < end ? value.charCodeAt(i) : PAST_END;
  }
  if (i === start) throw syntaxError(`${what} is not a number`, start);
  const digitsEnd = i;
  while (c === 32 || c === 9) c = ++i < end ? value.charCodeAt(i) : PAST_END;
  if (i !== end) throw syntaxError(`${what} is not a number`, digitsEnd);
  return n;
}

export function parseCSeq(value: string): CSeq {
  const end = value.length;
  const r = readUint(value, skipWsp(value, 0, end), end, MAX_U32, "CSeq sequence number");
  const m = skipWsp(value, r.next, end);
  if (m === r.next) throw syntaxError("expected whitespace after CSeq number", m);
  const methodEnd = scan(value, m, end, TOKEN);
  if (methodEnd === m || skipWsp(value, methodEnd, end) !== end) throw syntaxError("bad CSeq method", m);
  return { seq: r.value, method: value.slice(m, methodEnd) };
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
  const end = value.length;
  let i = scan(value, 0, end, WORD);
  if (i === 0) throw syntaxError("empty or malformed Call-ID", 0);
  if (i < end && value.charCodeAt(i) === 64) {
    const j = scan(value, i + 1, end, WORD);
    if (j === i + 1) throw syntaxError("empty word after @ in Call-ID", i);
    i = j;
  }
  if (i !== end) throw syntaxError("malformed Call-ID", i);
  return value;
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

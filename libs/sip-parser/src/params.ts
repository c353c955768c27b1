import { HOST, scan, skipWsp, TOKEN } from "./chars.js";
import { syntaxError } from "./errors.js";
import { scanQuotedString, unquote } from "./quoted-string.js";

/** A `;name[=value]` parameter as written; `value` keeps its quotes when it was a quoted-string. */
export interface SipParam {
  readonly name: string;
  readonly value: string | null;
}

/** Finds a parameter by name, case-insensitively (RFC 3261 §7.3.1). Returns `undefined` when absent. */
export function findParam(params: readonly SipParam[], name: string): SipParam | undefined {
  for (const p of params) {
    if (p.name.length === name.length && (p.name === name || p.name.toLowerCase() === name)) return p;
  }
  return undefined;
}

/** The value of a parameter, unquoted; `null` for a parameter without value, `undefined` when absent. */
export function paramValue(params: readonly SipParam[], name: string): string | null | undefined {
  const p = findParam(params, name);
  if (p === undefined) return undefined;
  return p.value === null ? null : unquote(p.value);
}

export interface ParamsResult {
  readonly params: SipParam[];
  readonly next: number;
}

/** Where the last `readGenericParams` call stopped (a shared cursor avoids a result object per call). */
export const paramCursor = { pos: 0 };

const NO_PARAMS: readonly SipParam[] = Object.freeze([]);

/**
 * Parses `*( SEMI generic-param )` from `i` (RFC 3261 §25.1: generic-param = token [EQUAL gen-value],
 * gen-value = token / host / quoted-string). Stops at the end or, when `inList`, at a comma, and
 * leaves the stop position in `paramCursor.pos`.
 */
export function readGenericParams(s: string, i: number, end: number, inList: boolean): readonly SipParam[] {
  let params: SipParam[] | undefined;
  for (;;) {
    i = skipWsp(s, i, end);
    if (i >= end) break;
    const c = s.charCodeAt(i);
    if (c === 44 && inList) break;
    if (c !== 59) throw syntaxError(`expected ";" but found "${s[i]}"`, i);
    i = skipWsp(s, i + 1, end);
    const nameEnd = scan(s, i, end, TOKEN);
    if (nameEnd === i) throw syntaxError("empty parameter name", i);
    const name = s.slice(i, nameEnd);
    i = skipWsp(s, nameEnd, end);
    let value: string | null = null;
    if (i < end && s.charCodeAt(i) === 61) {
      i = skipWsp(s, i + 1, end);
      if (i < end && s.charCodeAt(i) === 34) {
        const q = scanQuotedString(s, i, end);
        value = s.slice(i, q);
        i = q;
      } else {
        const v = scan(s, i, end, TOKEN | HOST);
        if (v === i) throw syntaxError(`empty value for parameter "${name}"`, i);
        value = s.slice(i, v);
        i = v;
      }
    }
    if (params === undefined) params = [];
    params.push({ name, value });
  }
  paramCursor.pos = i;
  return params ?? NO_PARAMS;
}

/** `readGenericParams` returning the stop position with the parameters. */
export function parseGenericParams(s: string, i: number, end: number, inList: boolean): ParamsResult {
  const params = readGenericParams(s, i, end, inList);
  return { params: [...params], next: paramCursor.pos };
}

/** Serializes parameters as `;name=value` pairs. */
export function formatParams(params: readonly SipParam[]): string {
  let out = "";
  for (const p of params) out += p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`;
  return out;
}

/** Value of a parameter as written (quotes included) or unquoted. */
export { unquote };

import { CHAR, HOST, PAST_END, TOKEN } from "./chars.js";
import { syntaxError } from "./errors.js";
import { mirror } from "./mirror.js";
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
 * leaves the stop position in `paramCursor.pos`. `cc` mirrors `s` (see mirror.ts).
 */
export function readGenericParams(
  s: string,
  cc: Uint16Array,
  i: number,
  end: number,
  inList: boolean,
): readonly SipParam[] {
  // Hand-inlined whitespace and token loops: this runs for every Via, address and media type. Reads
  // stop at `end` (PAST_END stands in): a charCodeAt past the string would deoptimize (see chars.ts).
  // Imports are live bindings, re-read (with a hole check) on every use: copy them into locals.
  const table = CHAR;
  const past = PAST_END;
  const token = TOKEN;
  const tokenOrHost = TOKEN | HOST;
  let params: SipParam[] | undefined;
  let c = i < end ? (cc[i] as number) : past;
  for (;;) {
    while (c === 32 || c === 9) c = ++i < end ? (cc[i] as number) : past;
    if (i >= end || (c === 44 && inList)) break;
    if (c !== 59) throw syntaxError(`expected ";" but found "${s[i]}"`, i);
    c = ++i < end ? (cc[i] as number) : past;
    while (c === 32 || c === 9) c = ++i < end ? (cc[i] as number) : past;
    const nameStart = i;
    // Token runs in scanC's shape (alphanumerics inline, an untagged code per step, no PAST_END
    // merge): fewer instructions per character in V8's optimized code.
    while (i < end) {
      const d = cc[i] as number;
      if ((d >= 97 && d <= 122) || (d >= 48 && d <= 57) || (d >= 65 && d <= 90)) {
        i++;
        continue;
      }
      if (d >= 128 || ((table[d] as number) & token) === 0) break;
      i++;
    }
    c = i < end ? (cc[i] as number) : past;
    if (i === nameStart) throw syntaxError("empty parameter name", i);
    const name = s.slice(nameStart, i);
    while (c === 32 || c === 9) c = ++i < end ? (cc[i] as number) : past;
    let value: string | null = null;
    if (c === 61) {
      c = ++i < end ? (cc[i] as number) : past;
      while (c === 32 || c === 9) c = ++i < end ? (cc[i] as number) : past;
      const valueStart = i;
      if (c === 34) {
        i = scanQuotedString(cc, i, end);
      } else {
        while (i < end) {
          const d = cc[i] as number;
          if ((d >= 97 && d <= 122) || (d >= 48 && d <= 57) || (d >= 65 && d <= 90)) {
            i++;
            continue;
          }
          if (d >= 128 || ((table[d] as number) & tokenOrHost) === 0) break;
          i++;
        }
        if (i === valueStart) throw syntaxError(`empty value for parameter "${name}"`, i);
      }
      value = s.slice(valueStart, i);
      c = i < end ? (cc[i] as number) : past;
    }
    if (params === undefined) params = [];
    params.push({ name, value });
  }
  paramCursor.pos = i;
  return params ?? NO_PARAMS;
}

/** `readGenericParams` returning the stop position with the parameters. */
export function parseGenericParams(s: string, i: number, end: number, inList: boolean): ParamsResult {
  const params = readGenericParams(s, mirror(s), i, end, inList);
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

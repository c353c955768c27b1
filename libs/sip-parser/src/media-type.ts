import { scanC, skipWspC, TOKEN } from "./chars.js";
import { syntaxError } from "./errors.js";
import { mirror } from "./mirror.js";
import type { SipParam } from "./params.js";
import { paramValue, readGenericParams } from "./params.js";

/** Content-Type (RFC 3261 §20.15): type and subtype lowercased, parameters as written. */
export interface MediaType {
  readonly type: string;
  readonly subtype: string;
  readonly params: readonly SipParam[];
}

export function parseMediaType(value: string): MediaType {
  return parseMediaTypeC(value, mirror(value), 0, value.length);
}

/** `parseMediaType` over `value[start, end)` with `cc` mirroring it; offsets in errors are absolute. */
export function parseMediaTypeC(value: string, cc: Uint16Array, start: number, end: number): MediaType {
  const i = skipWspC(cc, start, end);
  const t = scanC(cc, i, end, TOKEN);
  let j = skipWspC(cc, t, end);
  if (t === i || j >= end || cc[j] !== 47) throw syntaxError("bad media type", i);
  j = skipWspC(cc, j + 1, end);
  const st = scanC(cc, j, end, TOKEN);
  if (st === j) throw syntaxError("bad media subtype", j);
  const params = readGenericParams(value, cc, st, end, false);
  return { type: value.slice(i, t).toLowerCase(), subtype: value.slice(j, st).toLowerCase(), params };
}

/** The boundary parameter of a multipart Content-Type, unquoted. */
export function boundaryOf(media: MediaType): string | undefined {
  return paramValue(media.params, "boundary") ?? undefined;
}

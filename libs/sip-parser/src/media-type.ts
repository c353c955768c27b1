import { scan, skipWsp, TOKEN } from "./chars.js";
import { syntaxError } from "./errors.js";
import type { SipParam } from "./params.js";
import { paramValue, readGenericParams } from "./params.js";

/** Content-Type (RFC 3261 §20.15): type and subtype lowercased, parameters as written. */
export interface MediaType {
  readonly type: string;
  readonly subtype: string;
  readonly params: readonly SipParam[];
}

export function parseMediaType(value: string): MediaType {
  const end = value.length;
  const i = skipWsp(value, 0, end);
  const t = scan(value, i, end, TOKEN);
  let j = skipWsp(value, t, end);
  if (t === i || j >= end || value.charCodeAt(j) !== 47) throw syntaxError("bad media type", i);
  j = skipWsp(value, j + 1, end);
  const st = scan(value, j, end, TOKEN);
  if (st === j) throw syntaxError("bad media subtype", j);
  const params = readGenericParams(value, st, end, false);
  return { type: value.slice(i, t).toLowerCase(), subtype: value.slice(j, st).toLowerCase(), params };
}

/** The boundary parameter of a multipart Content-Type, unquoted. */
export function boundaryOf(media: MediaType): string | undefined {
  return paramValue(media.params, "boundary") ?? undefined;
}

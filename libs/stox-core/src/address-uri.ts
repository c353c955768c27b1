/** Value types for the SIP-side addresses this package reads and writes. Raw fields keep their escapes. */

/** A URI parameter (`;name=value`); `name` is lowercased, `value` is undefined for `;lr`-style flags. */
export interface UriParam {
  readonly name: string;
  readonly value?: string;
}

/** A URI header (`?name=value&...`). */
export interface UriHeader {
  readonly name: string;
  readonly value: string;
}

/** A `sip:` or `sips:` URI (RFC 3261 §19.1). `user` and `password` are in escaped (wire) form. */
export interface SipUri {
  readonly scheme: "sip" | "sips";
  readonly user?: string;
  readonly password?: string;
  readonly host: string;
  readonly port?: number;
  readonly params: readonly UriParam[];
  readonly headers: readonly UriHeader[];
}

/** An `im:` (RFC 3860) or `pres:` (RFC 3859) URI. `local` is in escaped form. */
export interface ImPresUri {
  readonly scheme: "im" | "pres";
  readonly local: string;
  readonly domain: string;
  readonly headers: readonly UriHeader[];
}

/** A `tel:` URI (RFC 3966); recognised so it can be refused (CORE-URI-03). */
export interface TelUri {
  readonly scheme: "tel";
  readonly number: string;
  readonly params: readonly UriParam[];
}

/** Any SIP-side address URI. */
export type AddressUri = SipUri | ImPresUri | TelUri;

/** The value of the first parameter called `name` (`null` for a flag without value, undefined if absent). */
export function uriParam(uri: SipUri | TelUri, name: string): string | null | undefined {
  const found = uri.params.find((p) => p.name === name.toLowerCase());
  if (found === undefined) return undefined;
  return found.value ?? null;
}

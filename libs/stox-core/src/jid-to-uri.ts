import type { ImPresUri, SipUri, UriHeader, UriParam } from "./address-uri.js";
import { createBoundedMemo, isMemoEnabled } from "./bounded-memo.js";
import { toSipHost } from "./domain.js";
import { AddressMappingError, type JidError } from "./errors.js";
import { type Jid, parseJid } from "./jid.js";
import { unescapeLocalpart } from "./jid-escaping.js";
import { percentEncode } from "./percent-encoding.js";
import { isImLocalChar, isSipParamChar, isSipUserChar } from "./uri-charsets.js";

/** Options for XMPP -> SIP address mapping (X2S). */
export interface JidToUriOptions {
  /** CORE-ADDR-24: target scheme. Default `sip` (PROJ); `im`/`pres` only when the foreign domain supports them. */
  readonly scheme?: "sip" | "sips" | "im" | "pres";
  /** CORE-ADDR-28: carry the resourcepart as `;gr=` on sip/sips. Default true. */
  readonly includeResource?: boolean;
}

// Results are shared between callers, so they are frozen all the way down.
const NO_PARAMS: readonly UriParam[] = Object.freeze([]);
const NO_HEADERS: readonly UriHeader[] = Object.freeze([]);

function toJid(jid: Jid | string): Jid {
  if (typeof jid !== "string") return jid;
  try {
    return parseJid(jid);
  } catch (cause) {
    const part = (cause as JidError).part;
    const reason = part === "domainpart" ? "invalid-domain" : "invalid-localpart";
    throw new AddressMappingError(`"${jid}" is not a valid JID`, reason, jid, { cause });
  }
}

/**
 * Maps a JID to a SIP-side URI, RFC 7247 §6.5 (CORE-ADDR-20..29, CORE-DOM-03). The localpart is unescaped
 * (XEP-0106) and percent-encoded where the target grammar needs it; the domain becomes A-labels.
 * Throws {@link AddressMappingError}. The result is frozen and may be shared between callers.
 */
export function jidToUri(jid: Jid | string, options: JidToUriOptions = {}): SipUri | ImPresUri {
  if (!isMemoEnabled()) return jidToUriUncached(jid, options);
  if (typeof jid !== "string" && Object.isFrozen(jid)) return mapFrozenValue(jid, options);
  return mapByKey(jid, options);
}

// Issue #8: JID -> URI for the JIDs that recur on every stanza. The options are part of the key.
const mappedJids = createBoundedMemo<SipUri | ImPresUri>({ maxEntries: 8192, maxKeyLength: 512 });

function mapByKey(jid: Jid | string, options: JidToUriOptions): SipUri | ImPresUri {
  const key = memoKeyOf(jid, options);
  if (key.length > mappedJids.maxKeyLength) return jidToUriUncached(jid, options);
  const hit = mappedJids.get(key);
  if (hit !== undefined) return hit;
  const uri = jidToUriUncached(jid, options);
  mappedJids.set(key, uri);
  return uri;
}

function memoKeyOf(jid: Jid | string, options: JidToUriOptions): string {
  const head = `${options.scheme ?? "sip"}${options.includeResource === false ? "-" : "+"}`;
  if (typeof jid === "string") return `${head}s${jid}`;
  return `${head}v${lengthPrefixed(jid.local)}${lengthPrefixed(jid.domain)}${lengthPrefixed(jid.resource)}`;
}

// A value need not be enforced, so any part may hold any character: length prefixes keep keys unambiguous.
function lengthPrefixed(part: string | undefined): string {
  return part === undefined ? "u" : `${part.length}:${part}`;
}

// A frozen JID (every JID parseJid and createJid return) cannot change, so its identity is enough of a key and
// no key string has to be built. One WeakMap per scheme and includeResource; entries go with the JID objects.
const SCHEMES: readonly (string | undefined)[] = ["sip", "sips", "im", "pres"];
const byFrozenJid = Array.from({ length: SCHEMES.length * 2 }, () => new WeakMap<Jid, SipUri | ImPresUri>());

function mapFrozenValue(jid: Jid, options: JidToUriOptions): SipUri | ImPresUri {
  const slot = SCHEMES.indexOf(options.scheme ?? "sip") * 2 + (options.includeResource === false ? 1 : 0);
  const cache = byFrozenJid[slot];
  if (cache === undefined) return mapByKey(jid, options);
  const hit = cache.get(jid);
  if (hit !== undefined) return hit;
  const uri = mapByKey(jid, options);
  cache.set(jid, uri);
  return uri;
}

function jidToUriUncached(jid: Jid | string, options: JidToUriOptions): SipUri | ImPresUri {
  const j = toJid(jid);
  const input = typeof jid === "string" ? jid : `${j.local ?? ""}@${j.domain}`;
  if (j.local === undefined) throw new AddressMappingError("a JID without localpart has no SIP user", "no-user", input);
  let host: string;
  try {
    host = toSipHost(j.domain);
  } catch (cause) {
    throw new AddressMappingError(`domain "${j.domain}" has no A-label form`, "invalid-domain", input, { cause });
  }
  const raw = unescapeLocalpart(j.local);
  const scheme = options.scheme ?? "sip";
  if (scheme === "im" || scheme === "pres") {
    // CORE-ADDR-29: no resource in im:/pres:.
    return Object.freeze({ scheme, local: percentEncode(raw, isImLocalChar), domain: host, headers: NO_HEADERS });
  }
  const withResource = options.includeResource !== false && j.resource !== undefined;
  const params = withResource
    ? Object.freeze([Object.freeze({ name: "gr", value: percentEncode(j.resource as string, isSipParamChar) })])
    : NO_PARAMS;
  return Object.freeze({ scheme, user: percentEncode(raw, isSipUserChar), host, params, headers: NO_HEADERS });
}

/**
 * CORE-ADDR-24 (RFC 7247 §6.5 steps 4 and 7): `im:` for `<message/>` and `pres:` for `<presence/>` when the
 * foreign domain advertises them (SRV `_im`/`_pres`, RFC 3861); otherwise `sip:` (or `sips:` by local policy).
 */
export function chooseUriScheme(
  stanza: "message" | "presence" | "iq",
  foreign: { readonly supportsImPres: boolean; readonly preferSips?: boolean },
): "sip" | "sips" | "im" | "pres" {
  if (foreign.supportsImPres && stanza === "message") return "im";
  if (foreign.supportsImPres && stanza === "presence") return "pres";
  return foreign.preferSips === true ? "sips" : "sip";
}

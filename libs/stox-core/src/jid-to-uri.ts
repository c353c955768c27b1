import type { ImPresUri, SipUri } from "./address-uri.js";
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
 * Throws {@link AddressMappingError}.
 */
export function jidToUri(jid: Jid | string, options: JidToUriOptions = {}): SipUri | ImPresUri {
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
    return Object.freeze({ scheme, local: percentEncode(raw, isImLocalChar), domain: host, headers: [] });
  }
  const withResource = options.includeResource !== false && j.resource !== undefined;
  const params = withResource ? [{ name: "gr", value: percentEncode(j.resource as string, isSipParamChar) }] : [];
  return Object.freeze({ scheme, user: percentEncode(raw, isSipUserChar), host, params, headers: [] });
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

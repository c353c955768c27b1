import { bareJid, formatAddressUri, formatJid, jidToUri, parseJid, uriToJid } from "@stox/stox-core";

/** SIP URI -> bare JID string (RFC 7247 §6.4 via stox-core); throws AddressMappingError when unmappable. */
export function sipUriToBareJid(uri: string): string {
  return formatJid(bareJid(uriToJid(uri)));
}

/** JID -> the SIP AOR without resource (RFC 7247 §6.5), e.g. sip:alice@xmpp.test. */
export function jidToSipAor(jid: string): string {
  return formatAddressUri(jidToUri(formatJid(bareJid(parseJid(jid))), { includeResource: false }));
}

/** Splits a JID string into its bare form and resource (already enforced by the XMPP server). */
export function splitJid(jid: string): { bare: string; resource?: string } {
  const j = parseJid(jid);
  return { bare: formatJid(bareJid(j)), ...(j.resource !== undefined ? { resource: j.resource } : {}) };
}

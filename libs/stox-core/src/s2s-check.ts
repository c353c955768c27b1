import { domainsEqual } from "./domain.js";
import type { DomainPolicy } from "./domain-policy.js";
import { type Jid, parseJid } from "./jid.js";

/** Result of the RFC 6120 stream-level address checks for a stanza received over s2s. */
export type S2SCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly streamError: "invalid-from" | "host-unknown" };

function domainOf(jid: string): string | undefined {
  try {
    return (parseJid(jid) as Jid).domain;
  } catch {
    return undefined;
  }
}

/**
 * CORE-SEC-05 (RFC 6120 §8.1.1.2, §8.1.2.2): on an s2s stream, the `from` domain must be one the peer
 * authenticated (SASL EXTERNAL or dialback) and the `to` domain one the gateway serves on its XMPP side.
 */
export function checkS2SStanza(
  policy: DomainPolicy,
  stanza: { readonly from: string; readonly to: string },
  authenticatedDomains: readonly string[],
): S2SCheck {
  const fromDomain = domainOf(stanza.from);
  if (fromDomain === undefined || !authenticatedDomains.some((d) => domainsEqual(d, fromDomain))) {
    return { ok: false, streamError: "invalid-from" };
  }
  const toDomain = domainOf(stanza.to);
  if (toDomain === undefined || !policy.servedOnXmppSide().some((d) => domainsEqual(d, toDomain))) {
    return { ok: false, streamError: "host-unknown" };
  }
  return { ok: true };
}

import type { DomainPolicy } from "./domain-policy.js";

/** DNS facts an edge found for a foreign domain (RFC 7247 §5). */
export interface ForeignDomainFacts {
  /** `_xmpp-server._tcp.<domain>` SRV (RFC 6120 §3.2) gave a host. */
  readonly hasXmppServer: boolean;
  /** RFC 3263 found a SIP server for the domain. */
  readonly hasSipServer: boolean;
}

/**
 * CORE-ARCH-04 / CORE-DOM-06: which protocol a foreign domain speaks. A static route wins. Otherwise the
 * origin's own protocol is tried first: the XMPP side looks for `_xmpp-server` before SIP, the SIP side
 * runs RFC 3263 before looking for XMPP. "unroutable" means SIP 404 / `<remote-server-not-found/>`.
 */
export function decideForeignProtocol(
  policy: DomainPolicy,
  origin: "sip" | "xmpp",
  domain: string,
  facts: ForeignDomainFacts,
): "sip" | "xmpp" | "unroutable" {
  const fixed = policy.staticRoute(domain);
  if (fixed !== undefined) return fixed;
  if (origin === "xmpp") {
    if (facts.hasXmppServer) return "xmpp";
    return facts.hasSipServer ? "sip" : "unroutable";
  }
  if (facts.hasSipServer) return "sip";
  return facts.hasXmppServer ? "xmpp" : "unroutable";
}

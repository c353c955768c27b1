import type { DomainPolicy } from "./domain-policy.js";
import { AddressMappingError } from "./errors.js";
import type { Jid } from "./jid.js";
import { isMixedScript } from "./mixed-script.js";
import { type SipAddressRole, sipResponseForUnmappable } from "./unmappable-response.js";
import { mapUriToJid, type UriToJidOptions, type UriToJidResult } from "./uri-to-jid.js";
import type { SipErrorResponse } from "./xmpp-to-sip-error.js";

/** Facts about a SIP request the SIP edge received, as far as identity is concerned. */
export interface SipRequestFacts {
  /**
   * How the previous hop is known: `trusted` (a home proxy inside the trust domain, RFC 3325: P-Asserted-Identity
   * is honoured), `authenticated` (mutual TLS or digest: From is the authenticated identity) or `untrusted`.
   */
  readonly hop: "trusted" | "authenticated" | "untrusted";
  readonly requestUri: string;
  /** The From URI (without display name, CORE-URI-06). */
  readonly from: string;
  /** The To URI; only its scheme matters here (CORE-URI-04). */
  readonly to?: string;
  readonly pAssertedIdentity?: string;
}

/** The S2X admission result: the JIDs to use, or the SIP response to send. */
export type SipRequestVerdict =
  | {
      readonly ok: true;
      readonly sender: Jid;
      readonly target: Jid;
      readonly targetRole: "xmpp-home" | "foreign";
      /** CORE-CASE-03: the sender's user part was folded, so other SIP users may collide with this JID. */
      readonly senderFolded: boolean;
    }
  | { readonly ok: false; readonly rule: string; readonly response: SipErrorResponse };

const FORBIDDEN = (reasonPhrase: string) => ({ status: 403, reasonPhrase });

function refuse(rule: string, response: SipErrorResponse): SipRequestVerdict {
  return { ok: false, rule, response };
}

// Issue #8: one options object per policy and allowSips, instead of a new one per address.
const mapOptionsByPolicy = new WeakMap<DomainPolicy, readonly [UriToJidOptions, UriToJidOptions]>();

function mapOptionsOf(policy: DomainPolicy, allowSips: boolean): UriToJidOptions {
  let pair = mapOptionsByPolicy.get(policy);
  if (pair === undefined) {
    const { ipLiteralDomains, telDomain } = policy.config;
    const base = { ...(ipLiteralDomains && { ipLiteralDomains }), ...(telDomain && { telDomain }) };
    pair = [Object.freeze({ allowSips: false, ...base }), Object.freeze({ allowSips: true, ...base })];
    mapOptionsByPolicy.set(policy, pair);
  }
  return pair[allowSips ? 1 : 0];
}

function tryMap(
  policy: DomainPolicy,
  uri: string,
  role: SipAddressRole,
  allowSips: boolean,
): UriToJidResult | SipErrorResponse {
  try {
    return mapUriToJid(uri, mapOptionsOf(policy, allowSips));
  } catch (error) {
    if (error instanceof AddressMappingError) return sipResponseForUnmappable(error.reason, role);
    throw error;
  }
}

/**
 * S2X admission (CORE-SEC-06, -08, -02, -04b, -09; CORE-ARCH-02; CORE-DOM-06; CORE-URI-03/04/07). The sender
 * JID is computed only from the authenticated originator: P-Asserted-Identity over a trusted hop, else From.
 */
export function admitSipRequest(policy: DomainPolicy, facts: SipRequestFacts): SipRequestVerdict {
  if (facts.hop === "untrusted") return refuse("CORE-SEC-06", FORBIDDEN("Forbidden (unauthenticated hop)"));
  const allowSips = policy.config.allowSips === true;
  if (!allowSips && /^sips:/i.test(facts.requestUri)) {
    return refuse("CORE-URI-04", sipResponseForUnmappable("sips-refused", "request-uri"));
  }
  if (!allowSips && facts.to !== undefined && /^sips:/i.test(facts.to)) {
    return refuse("CORE-URI-04", sipResponseForUnmappable("sips-refused", "to"));
  }
  const target = tryMap(policy, facts.requestUri, "request-uri", allowSips);
  if (!("jid" in target)) return refuse("CORE-URI-07", target);
  const originatorUri = facts.hop === "trusted" && facts.pAssertedIdentity ? facts.pAssertedIdentity : facts.from;
  const sender = tryMap(policy, originatorUri, "from", true);
  if (!("jid" in sender)) return refuse("CORE-URI-07", sender);
  const targetRole = policy.roleOf(target.jid.domain);
  const senderHome = policy.roleOf(sender.jid.domain) === "sip-home";
  if (!senderHome && !(policy.config.translateAtDestination === true && targetRole === "xmpp-home")) {
    const rule = targetRole === "foreign" ? "CORE-SEC-04" : "CORE-SEC-06";
    return refuse(rule, FORBIDDEN("Forbidden (sender is not in a home SIP domain)"));
  }
  const routable =
    targetRole === "xmpp-home" || (targetRole === "foreign" && policy.staticRoute(target.jid.domain) !== "sip");
  if (!routable) return refuse("CORE-DOM-06", { status: 404, reasonPhrase: "Not Found" });
  if (policy.config.refuseMixedScript === true) {
    if (isMixedScript(sender.jid.local ?? ""))
      return refuse("CORE-SEC-09", FORBIDDEN("Forbidden (mixed-script sender)"));
    if (isMixedScript(target.jid.local ?? "")) return refuse("CORE-SEC-09", { status: 404, reasonPhrase: "Not Found" });
  }
  return { ok: true, sender: sender.jid, target: target.jid, targetRole, senderFolded: sender.localFolded };
}

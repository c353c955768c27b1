import type { ImPresUri, SipUri } from "./address-uri.js";
import type { DomainPolicy } from "./domain-policy.js";
import { AddressMappingError, JidError } from "./errors.js";
import { type Jid, parseJid } from "./jid.js";
import { type JidToUriOptions, jidToUri } from "./jid-to-uri.js";
import { isMixedScript } from "./mixed-script.js";
import { createStanzaError, type StanzaError } from "./stanza-error.js";

/** Facts about a stanza the XMPP edge received. */
export interface StanzaFacts {
  /** The stanza came from the home XMPP server over an authenticated link (component handshake or s2s with SASL/dialback). */
  readonly linkAuthenticated: boolean;
  readonly from: string;
  readonly to: string;
  /** Target scheme (CORE-ADDR-24); default `sip`. */
  readonly scheme?: JidToUriOptions["scheme"];
}

/** The X2S admission result: the SIP URIs to use, or the stanza error to return. */
export type StanzaVerdict =
  | {
      readonly ok: true;
      readonly senderJid: Jid;
      readonly sender: SipUri;
      readonly target: SipUri | ImPresUri;
      readonly targetRole: "sip-home" | "foreign";
    }
  | { readonly ok: false; readonly rule: string; readonly error: StanzaError };

function refuse(rule: string, condition: string, text: string): StanzaVerdict {
  return { ok: false, rule, error: createStanzaError(condition, { text }) };
}

function parse(jid: string): Jid | undefined {
  try {
    return parseJid(jid);
  } catch (error) {
    if (error instanceof JidError) return undefined;
    throw error;
  }
}

/**
 * X2S admission (CORE-SEC-07, -08, -04b, -09; CORE-ARCH-02; CORE-DOM-06; CORE-URI-07). The SIP sender is computed
 * only from the stanza's `from`, which the home server stamped; its resource travels as `gr` (CORE-ADDR-28).
 */
export function admitStanza(policy: DomainPolicy, facts: StanzaFacts): StanzaVerdict {
  if (!facts.linkAuthenticated) return refuse("CORE-SEC-07", "forbidden", "unauthenticated link");
  const from = parse(facts.from);
  if (from === undefined) return refuse("CORE-URI-07", "jid-malformed", "the sender address is not a valid JID");
  const to = parse(facts.to);
  if (to === undefined) return refuse("CORE-URI-07", "jid-malformed", "the target address is not a valid JID");
  const targetRole = policy.roleOf(to.domain);
  const senderHome = policy.roleOf(from.domain) === "xmpp-home";
  if (!senderHome && !(policy.config.translateAtDestination === true && targetRole === "sip-home")) {
    const rule = targetRole === "foreign" ? "CORE-SEC-04" : "CORE-SEC-07";
    return refuse(rule, "forbidden", "the sender is not in a home XMPP domain");
  }
  const routable = targetRole === "sip-home" || (targetRole === "foreign" && policy.staticRoute(to.domain) !== "xmpp");
  if (!routable) return refuse("CORE-DOM-06", "remote-server-not-found", "the target domain is not reachable over SIP");
  if (policy.config.refuseMixedScript === true && (isMixedScript(from.local ?? "") || isMixedScript(to.local ?? ""))) {
    return refuse("CORE-SEC-09", "forbidden", "mixed-script address");
  }
  try {
    const sender = jidToUri(from) as SipUri;
    const target = jidToUri(to, facts.scheme === undefined ? {} : { scheme: facts.scheme });
    return { ok: true, senderJid: from, sender, target, targetRole };
  } catch (error) {
    if (error instanceof AddressMappingError) return refuse("CORE-URI-07", "jid-malformed", error.message);
    throw error;
  }
}

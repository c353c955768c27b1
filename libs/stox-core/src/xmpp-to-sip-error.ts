import { ErrorMappingError } from "./errors.js";
import { jidToUri } from "./jid-to-uri.js";
import { defaultReasonPhrase, sanitizeReasonPhrase } from "./sip-reason-phrases.js";
import { formatAddressUri } from "./sip-uri.js";
import { isStanzaErrorCondition, type StanzaErrorCondition } from "./stanza-error.js";
import { parseXmppIri } from "./xmpp-iri.js";

/** A SIP final response to send in place of an XMPP error. */
export interface SipErrorResponse {
  readonly status: number;
  readonly reasonPhrase: string;
  /** The `Contact` of a 301 or 302 (CORE-ERR-07). */
  readonly contact?: string;
}

/** An XMPP stanza error to translate (X2S direction). */
export interface XmppErrorInput {
  readonly condition: string;
  /** Whether the original stanza's `to` (the error's `from`) was a full JID (CORE-ERR-05/06). Default false. */
  readonly targetIsFullJid?: boolean;
  /** The error's `<text/>`; copied into the Reason-Phrase (CORE-ERR-03). */
  readonly text?: string;
  /**
   * Character data of `<gone/>` or `<redirect/>`: the new or alternate address. It decides 301 vs 410
   * (CORE-ERR-07) and becomes the `Contact` of the 301 or 302; an `xmpp:` IRI is mapped to a SIP URI.
   */
  readonly address?: string;
  /** CORE-ERR-08: what is known about a `<remote-server-not-found/>`. Default "unknown" (maps to 404). */
  readonly remoteServer?: "does-not-exist" | "unresolvable" | "unknown";
  /** CORE-ERR-09: 403 (default) or 405 for `<service-unavailable/>`; 503 is not offered. */
  readonly serviceUnavailableStatus?: 403 | 405;
}

/** Table A of RFC 7247 §7.1 for the conditions without a choice. */
const FIXED: Partial<Readonly<Record<StanzaErrorCondition, number>>> = {
  "bad-request": 400,
  conflict: 400,
  "internal-server-error": 500,
  "jid-malformed": 400,
  "not-allowed": 403,
  "not-authorized": 401,
  "policy-violation": 403,
  redirect: 302,
  "registration-required": 407,
  "remote-server-timeout": 408,
  "resource-constraint": 500,
  "subscription-required": 400,
  "undefined-condition": 400,
  // CORE-ERR-19: Table A offers 491 or 400; 491 is for re-INVITE glare, which the gateway never causes.
  "unexpected-request": 400,
};

/** Table A note (1)/(2): [full JID, bare JID]. */
const BY_TARGET: Partial<Readonly<Record<StanzaErrorCondition, readonly [number, number]>>> = {
  "feature-not-implemented": [405, 501],
  forbidden: [403, 603],
  "item-not-found": [404, 604],
  "not-acceptable": [406, 606],
  "recipient-unavailable": [480, 600],
};

function contactFor(address: string): string {
  const jid = parseXmppIri(address);
  if (jid === undefined) return address;
  try {
    return formatAddressUri(jidToUri(jid));
  } catch {
    return address;
  }
}

function statusFor(input: XmppErrorInput, condition: StanzaErrorCondition): number {
  const fixed = FIXED[condition];
  if (fixed !== undefined) return fixed;
  const byTarget = BY_TARGET[condition];
  if (byTarget !== undefined) return input.targetIsFullJid === true ? byTarget[0] : byTarget[1];
  switch (condition) {
    case "gone":
      return hasAddress(input) ? 301 : 410;
    case "remote-server-not-found":
      return input.remoteServer === "unresolvable" ? 408 : 404;
    case "service-unavailable":
      return input.serviceUnavailableStatus ?? 403;
    default:
      throw new ErrorMappingError(`no SIP mapping for <${condition}/>`);
  }
}

function hasAddress(input: XmppErrorInput): boolean {
  return input.address !== undefined && input.address.trim() !== "";
}

/**
 * Maps an XMPP stanza error to a SIP final response, RFC 7247 §7.1 (CORE-ERR-04..09, -19). Never yields a
 * 1xx or 2xx (CORE-ERR-02). Throws {@link ErrorMappingError} for a condition RFC 6120 does not define.
 */
export function xmppErrorToSip(input: XmppErrorInput): SipErrorResponse {
  const { condition } = input;
  if (!isStanzaErrorCondition(condition)) throw new ErrorMappingError(`"${condition}" is not an RFC 6120 condition`);
  const status = statusFor(input, condition);
  const text = input.text === undefined ? "" : sanitizeReasonPhrase(input.text);
  const reasonPhrase = text === "" ? defaultReasonPhrase(status) : text;
  if ((status === 301 || status === 302) && hasAddress(input)) {
    return { status, reasonPhrase, contact: contactFor((input.address as string).trim()) };
  }
  return { status, reasonPhrase };
}

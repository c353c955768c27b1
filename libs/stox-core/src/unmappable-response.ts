import type { UnmappableReason } from "./errors.js";
import { createStanzaError, type StanzaError } from "./stanza-error.js";
import type { SipErrorResponse } from "./xmpp-to-sip-error.js";

/** Where in a SIP request the unmappable address was found. */
export type SipAddressRole = "request-uri" | "to" | "from";

/**
 * The SIP response for a SIP address the S2X cannot map (CORE-URI-03, -04, -07):
 * - `tel:` as Request-URI or To: 416; as From: 403 (no mappable sender).
 * - `sips:` as Request-URI: 416; as To (or From): 403, with a Reason-Phrase saying why.
 * - anything else: 400 for a bad sender (From), 404 for a bad target.
 */
export function sipResponseForUnmappable(reason: UnmappableReason, role: SipAddressRole): SipErrorResponse {
  if (reason === "tel-uri") {
    return role === "from"
      ? { status: 403, reasonPhrase: "Forbidden (tel: sender cannot be mapped to XMPP)" }
      : { status: 416, reasonPhrase: "Unsupported URI Scheme" };
  }
  if (reason === "sips-refused") {
    return role === "request-uri"
      ? { status: 416, reasonPhrase: "SIPS cannot cross the XMPP gateway" }
      : { status: 403, reasonPhrase: "SIPS cannot cross the XMPP gateway" };
  }
  if (reason === "unsupported-scheme" && role === "request-uri") {
    return { status: 416, reasonPhrase: "Unsupported URI Scheme" };
  }
  return role === "from" ? { status: 400, reasonPhrase: "Bad Request" } : { status: 404, reasonPhrase: "Not Found" };
}

/** The stanza error for a JID the X2S cannot map to SIP: `<jid-malformed/>` (modify), CORE-URI-07. */
export function stanzaErrorForUnmappable(text?: string): StanzaError {
  return createStanzaError("jid-malformed", { text });
}

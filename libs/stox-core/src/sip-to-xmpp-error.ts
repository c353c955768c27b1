import { ErrorMappingError } from "./errors.js";
import { createStanzaError, type StanzaError, type StanzaErrorCondition } from "./stanza-error.js";
import { uriToJid } from "./uri-to-jid.js";
import { formatXmppIri } from "./xmpp-iri.js";

/** A SIP final response to translate (S2X direction). */
export interface SipResponseInput {
  readonly status: number;
  /** Copied into `<text/>` (CORE-ERR-03). */
  readonly reasonPhrase?: string;
  /** The first `Contact` URI of a 3xx (CORE-ERR-11, -12). */
  readonly contact?: string;
  /** CORE-ERR-13: a scenario-specific alternative (403 -> not-allowed/policy-violation, 404/408 -> remote-server-not-found). */
  readonly alternative?: "not-allowed" | "policy-violation" | "remote-server-not-found";
}

/** Table B of RFC 7247 §7.2, codes listed explicitly. */
const TABLE: ReadonlyMap<number, StanzaErrorCondition> = new Map<number, StanzaErrorCondition>([
  [300, "redirect"],
  [301, "gone"],
  [302, "redirect"],
  [305, "redirect"],
  [380, "not-acceptable"],
  [400, "bad-request"],
  [401, "not-authorized"],
  [402, "bad-request"], // payment-required was dropped in RFC 6120
  [403, "forbidden"],
  [404, "item-not-found"],
  [405, "feature-not-implemented"],
  [406, "not-acceptable"],
  [407, "registration-required"],
  [408, "remote-server-timeout"],
  [410, "gone"],
  [413, "policy-violation"],
  [414, "policy-violation"],
  [415, "not-acceptable"],
  [416, "not-acceptable"],
  [420, "feature-not-implemented"],
  [421, "not-acceptable"],
  [423, "resource-constraint"],
  [430, "recipient-unavailable"], // RFC 5626
  [439, "feature-not-implemented"], // RFC 5626
  [440, "policy-violation"], // RFC 5393
  [480, "recipient-unavailable"],
  [481, "item-not-found"],
  [482, "not-acceptable"],
  [483, "not-acceptable"],
  [484, "item-not-found"],
  [485, "item-not-found"],
  [486, "recipient-unavailable"],
  [487, "recipient-unavailable"],
  [488, "not-acceptable"],
  [489, "policy-violation"], // RFC 6665
  [491, "unexpected-request"],
  [493, "bad-request"],
  [500, "internal-server-error"],
  [501, "feature-not-implemented"],
  [502, "remote-server-not-found"],
  [503, "internal-server-error"], // see CORE-ERR-09 on the 503 / service-unavailable mismatch
  [504, "remote-server-timeout"],
  [505, "not-acceptable"],
  [513, "policy-violation"],
  [600, "recipient-unavailable"],
  [603, "recipient-unavailable"],
  [604, "item-not-found"],
  [606, "not-acceptable"],
]);

/** RFC 7247 §7.2: codes missing from Table B map by class (CORE-ERR-10). */
const CLASS_DEFAULT: Readonly<Record<3 | 4 | 5 | 6, StanzaErrorCondition>> = {
  3: "redirect",
  4: "bad-request",
  5: "internal-server-error",
  6: "recipient-unavailable",
};

const ALTERNATIVES: Readonly<Record<number, readonly string[]>> = {
  403: ["not-allowed", "policy-violation"],
  404: ["remote-server-not-found"],
  408: ["remote-server-not-found"],
};

/** Renders a Contact as `<gone/>`/`<redirect/>` character data: an `xmpp:` IRI if it maps to a JID, else as is. */
function contactAddress(contact: string): string {
  try {
    return formatXmppIri(uriToJid(contact));
  } catch {
    return contact;
  }
}

/** The condition Table B gives for a 3xx–6xx status (before CORE-ERR-11's 301 rule and alternatives). */
export function sipStatusCondition(status: number): StanzaErrorCondition {
  if (!Number.isInteger(status) || status < 300 || status > 699) {
    throw new ErrorMappingError(`SIP ${status} is not mapped to an XMPP error (only 3xx–6xx, RFC 7247 §7)`);
  }
  return TABLE.get(status) ?? CLASS_DEFAULT[Math.floor(status / 100) as 3 | 4 | 5 | 6];
}

/**
 * Maps a SIP final response to an XMPP stanza error, RFC 7247 §7.2 (CORE-ERR-10..13, -15). A 301 becomes
 * `<gone/>` with the new address and a 410 `<gone/>` without one; 1xx/2xx throw {@link ErrorMappingError}
 * (CORE-ERR-02). A 301 without a Contact has no address to carry, so it falls back to the 3xx default `<redirect/>`.
 */
export function sipResponseToXmppError(input: SipResponseInput): StanzaError {
  const { status } = input;
  let condition = sipStatusCondition(status);
  if (input.alternative !== undefined) {
    if (!ALTERNATIVES[status]?.includes(input.alternative)) {
      throw new ErrorMappingError(`<${input.alternative}/> is not an RFC 7247 alternative for SIP ${status}`);
    }
    condition = input.alternative;
  }
  const text = input.reasonPhrase?.trim();
  const contact = input.contact?.trim();
  if (status === 301 && (contact === undefined || contact === "")) condition = "redirect";
  // CORE-ERR-11 (301 -> gone + address; 410 -> gone, never an address) and CORE-ERR-12 (3xx -> redirect + Contact).
  const carriesAddress = status >= 300 && status < 400 && contact !== undefined && contact !== "";
  const address =
    carriesAddress && (condition === "gone" || condition === "redirect") ? contactAddress(contact) : undefined;
  return createStanzaError(condition, { text, address });
}

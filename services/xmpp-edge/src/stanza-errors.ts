import type { GatewayErrorCode, XmlElement } from "@stox/events";
import { NS } from "./xml/namespaces.js";
import { el } from "./xml/xml-element.js";

export type StanzaErrorType = "auth" | "cancel" | "continue" | "modify" | "wait";

/** A stanza error as RFC 6120 §8.3.2 defines it: a type, one defined condition, optional text. */
export interface StanzaError {
  readonly type: StanzaErrorType;
  readonly condition: string;
  readonly text?: string | undefined;
}

/**
 * Gateway error codes from the bus -> stanza errors, with the types RFC 6120 §8.3.3 suggests (CORE-ERR-15).
 * Local failures follow CORE-ERR-17: timeout -> remote-server-timeout (wait), overload -> resource-constraint.
 */
const BY_GATEWAY_CODE: Readonly<Record<GatewayErrorCode, StanzaError>> = {
  "bad-request": { type: "modify", condition: "bad-request" },
  forbidden: { type: "auth", condition: "forbidden" },
  "not-found": { type: "cancel", condition: "item-not-found" },
  "not-acceptable": { type: "modify", condition: "not-acceptable" },
  "too-large": { type: "modify", condition: "policy-violation" },
  "rate-limited": { type: "wait", condition: "resource-constraint" },
  timeout: { type: "wait", condition: "remote-server-timeout" },
  unavailable: { type: "cancel", condition: "service-unavailable" },
  "not-implemented": { type: "cancel", condition: "feature-not-implemented" },
  internal: { type: "cancel", condition: "internal-server-error" },
};

export function stanzaErrorFor(code: GatewayErrorCode, text?: string): StanzaError {
  return { ...BY_GATEWAY_CODE[code], text };
}

/**
 * Whether a stanza may be answered with an error: never an error (RFC 6120 §8.3.1, CORE-ERR-16), and never an
 * iq result (RFC 6120 §8.2.3: only get/set are requests).
 */
export function isErrorReplyAllowed(stanza: XmlElement): boolean {
  const type = stanza.attrs.type;
  if (type === "error") return false;
  if (stanza.name === "iq") return type === "get" || type === "set";
  return true;
}

/**
 * The error reply to `stanza` (RFC 6120 §8.3.1, CORE-ERR-14): same element, type="error", from/to swapped,
 * same id; the original payload is not echoed (optional in the RFC, and it may be large).
 */
export function errorReply(stanza: XmlElement, error: StanzaError): XmlElement {
  const text = error.text ? [el("text", { xmlns: NS.stanzas }, error.text)] : [];
  return el(
    stanza.name,
    { from: stanza.attrs.to, to: stanza.attrs.from, id: stanza.attrs.id, type: "error" },
    el("error", { type: error.type }, el(error.condition, { xmlns: NS.stanzas }), ...text),
  );
}

/** An iq result to `iq` with an optional payload (RFC 6120 §8.2.3). */
export function iqResult(iq: XmlElement, payload?: XmlElement): XmlElement {
  return el(
    "iq",
    { from: iq.attrs.to, to: iq.attrs.from, id: iq.attrs.id, type: "result" },
    ...(payload ? [payload] : []),
  );
}

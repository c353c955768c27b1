/** What the gateway received and might answer with an error. */
export type Received =
  | { readonly kind: "stanza"; readonly name: "message" | "presence" | "iq"; readonly type?: string }
  | { readonly kind: "sip-request" }
  | { readonly kind: "sip-response" };

/**
 * CORE-ERR-16: an error stanza is never answered with another error stanza, and a SIP response is never
 * answered at all (RFC 6120 §8.3.1; RFC 3261 §8.1.3). Everything else may get an error reply.
 */
export function mayReplyWithError(received: Received): boolean {
  if (received.kind === "sip-response") return false;
  if (received.kind === "stanza") return received.type !== "error";
  return true;
}

/** The addressing of the stanza that triggered an error. */
export interface StanzaHead {
  readonly name: "message" | "presence" | "iq";
  readonly from?: string;
  readonly to?: string;
  readonly id?: string;
  readonly type?: string;
}

/**
 * Addressing of the error reply (CORE-ERR-14, RFC 6120 §8.3.1): same element, `type="error"`, `from`
 * and `to` swapped, same `id`. Returns undefined when no reply is allowed (CORE-ERR-16).
 */
export function errorReplyHead(original: StanzaHead): StanzaHead | undefined {
  if (!mayReplyWithError({ kind: "stanza", name: original.name, type: original.type })) return undefined;
  return Object.freeze({
    name: original.name,
    type: "error",
    ...(original.to === undefined ? {} : { from: original.to }),
    ...(original.from === undefined ? {} : { to: original.from }),
    ...(original.id === undefined ? {} : { id: original.id }),
  });
}

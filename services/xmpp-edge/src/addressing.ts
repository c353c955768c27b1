import type { XmlElement } from "@stox/events";
import { splitJid } from "./jid.js";
import type { StanzaError } from "./stanza-errors.js";
import type { StreamErrorCondition } from "./xml/stream-errors.js";

/** Who a stream may speak for. */
export type StreamPolicy =
  | { readonly mode: "component"; readonly domains: readonly string[] }
  | {
      readonly mode: "s2s";
      readonly localDomains: readonly string[];
      /** Domains the peer authenticated on this stream (SASL EXTERNAL or dialback). */
      readonly peerDomains: readonly string[];
    };

export type AddressingVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly level: "drop"; readonly reason: string }
  | { readonly ok: false; readonly level: "stanza"; readonly reason: string; readonly error: StanzaError }
  | { readonly ok: false; readonly level: "stream"; readonly reason: string; readonly condition: StreamErrorCondition };

/**
 * Checks `to` and `from` of an inbound stanza against what the stream may carry. Component (XEP-0114): the
 * server has stamped and checked `from` already; `to` must be one of our domains. S2S (RFC 6120 §8.1.1.2,
 * §8.1.2.2, CORE-SEC-05): both attributes are required, `from` must be a domain the peer authenticated
 * (else `<invalid-from/>`) and `to` one of ours (else `<host-unknown/>`).
 */
export function checkAddressing(stanza: XmlElement, policy: StreamPolicy): AddressingVerdict {
  const from = stanza.attrs.from ? splitJid(stanza.attrs.from) : undefined;
  const to = stanza.attrs.to ? splitJid(stanza.attrs.to) : undefined;
  if (policy.mode === "component") {
    // Without a sender nobody can be told about an error.
    if (!from) return { ok: false, level: "drop", reason: "no-from" };
    if (!to || !policy.domains.includes(to.domain)) {
      return {
        ok: false,
        level: "stanza",
        reason: "foreign-to",
        error: { type: "cancel", condition: "item-not-found", text: "not a domain of this gateway" },
      };
    }
    return { ok: true };
  }
  if (!from || !to) return { ok: false, level: "stream", reason: "no-from-or-to", condition: "improper-addressing" };
  if (!policy.peerDomains.includes(from.domain)) {
    return { ok: false, level: "stream", reason: "invalid-from", condition: "invalid-from" };
  }
  if (!policy.localDomains.includes(to.domain)) {
    return { ok: false, level: "stream", reason: "host-unknown", condition: "host-unknown" };
  }
  return { ok: true };
}

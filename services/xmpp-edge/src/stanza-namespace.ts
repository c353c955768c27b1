import type { XmlElement } from "@stox/events";
import { NS } from "./xml/namespaces.js";

const STREAM_NAMESPACES: readonly string[] = [NS.component, NS.server, NS.client];

/**
 * Stanzas travel on the bus without their stream's default namespace: a message from a component stream and
 * one from an s2s stream look the same to the mappers. Only the top-level `xmlns` is touched, and only when it
 * is the stream's own; every child keeps what it had.
 */
export function normalizeInbound(stanza: XmlElement, streamNamespace: string): XmlElement {
  if (stanza.attrs.xmlns !== streamNamespace) return stanza;
  const { xmlns: _dropped, ...attrs } = stanza.attrs;
  return { ...stanza, attrs };
}

/** Outbound: a stanza takes the namespace of the stream it is written to, so a stream namespace is removed. */
export function normalizeOutbound(stanza: XmlElement): XmlElement {
  const xmlns = stanza.attrs.xmlns;
  if (xmlns === undefined || !STREAM_NAMESPACES.includes(xmlns)) return stanza;
  const { xmlns: _dropped, ...attrs } = stanza.attrs;
  return { ...stanza, attrs };
}

/** PIDF (RFC 3863) and the parts of RPID (RFC 4480) this gateway reads, as plain data. */

export const PIDF_NS = "urn:ietf:params:xml:ns:pidf";
export const PIDF_DM_NS = "urn:ietf:params:xml:ns:pidf:data-model";
export const RPID_NS = "urn:ietf:params:xml:ns:pidf:rpid";
export const JABBER_CLIENT_NS = "jabber:client";
export const PIDF_CONTENT_TYPE = "application/pidf+xml";

export interface PidfNote {
  readonly text: string;
  /** `xml:lang`, as written (inherited from an ancestor when the note has none). */
  readonly lang?: string;
}

export interface PidfTuple {
  /** `tuple@id` (xs:ID). */
  readonly id: string;
  /** `status/basic`; absent when the tuple has none (RFC 3863 §4.1.4 allows that). */
  readonly basic?: "open" | "closed";
  /** RFC 8048 §6.2 note 7: `<show xmlns='jabber:client'>` inside `status`. */
  readonly show?: string;
  /** RFC 4480 activity names found inside this tuple's status (local names, e.g. "away", "busy"). */
  readonly activities: readonly string[];
  readonly contact?: { readonly uri: string; readonly priority?: string };
  readonly notes: readonly PidfNote[];
  readonly timestamp?: string;
}

export interface PidfDocument {
  /** `presence@entity`, e.g. `pres:alice@xmpp.test`. */
  readonly entity: string;
  readonly tuples: readonly PidfTuple[];
  /** Notes directly under `presence`. */
  readonly notes: readonly PidfNote[];
  /** RFC 4480 activities of `dm:person` elements: they apply to every tuple. */
  readonly personActivities: readonly string[];
}

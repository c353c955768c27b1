import type { PresenceInfo } from "../xmpp-presence.js";
import type { DialogData } from "./types.js";

/** Authorization of a SIP watcher to see an XMPP contact (PRES-STATE-01, direction SIP->XMPP). */
export type InboundAuth = "none" | "requested" | "approved" | "denied";

export interface InboundDialog extends DialogData {
  /** When the subscription ends unless refreshed (ms since epoch). */
  readonly expiresAt: number;
  readonly lastNotifyAt?: number;
  /** A change arrived inside the rate-limit window and waits for the next NOTIFY (PRES-S2X-14). */
  readonly hasPendingNotify?: boolean;
}

/**
 * Everything about one (SIP watcher, XMPP contact) pair where the gateway is the notifier on the contact's
 * behalf: the authorization (PRES-STATE-01), the watcher's live dialogs (PRES-STATE-03), and the contact's
 * presence per resource as sent to *this* watcher (PRES-STATE-04, never shared across watchers).
 */
export interface InboundRecord {
  readonly kind: "inbound";
  /** The watcher's SIP AOR (sip:bob@sip.test). */
  readonly watcherUri: string;
  /** The watcher as a bare JID (bob@sip.test). */
  readonly watcherJid: string;
  /** The XMPP contact's bare JID (alice@xmpp.test). */
  readonly contactJid: string;
  /** The contact's SIP AOR (sip:alice@xmpp.test). */
  readonly contactUri: string;
  readonly auth: InboundAuth;
  readonly subscribeSentAt?: number;
  readonly probeSentAt?: number;
  readonly resources: Readonly<Record<string, PresenceInfo>>;
  /** Live dialogs by `callId localTag`. */
  readonly dialogs: Readonly<Record<string, InboundDialog>>;
  /** PRES-POLL-06: polls whose terminated NOTIFY waits (until `expiresAt`) for the probe's answer. */
  readonly waitingPolls?: Readonly<Record<string, InboundDialog>>;
}

export function dialogKeyOf(d: Pick<DialogData, "callId" | "localTag">): string {
  return `${d.callId} ${d.localTag}`;
}

/** Next time the record needs attention: an expiry, or the end of a NOTIFY rate-limit window. */
export function inboundDueAt(record: InboundRecord, notifyIntervalMs: number): number | undefined {
  let due: number | undefined;
  for (const p of Object.values(record.waitingPolls ?? {}))
    if (due === undefined || p.expiresAt < due) due = p.expiresAt;
  for (const d of Object.values(record.dialogs)) {
    const candidates = [d.expiresAt];
    if (d.hasPendingNotify) candidates.push((d.lastNotifyAt ?? 0) + notifyIntervalMs);
    for (const c of candidates) if (due === undefined || c < due) due = c;
  }
  return due;
}

import type { PresenceInfo } from "../xmpp-presence.js";
import type { DialogData } from "./types.js";

/** Outbound authorization (PRES-STATE-01, direction XMPP->SIP). */
export type OutboundAuth = "requested" | "approved";

/** neutral: 2xx seen or awaited, no NOTIFY yet; pending/active as the last NOTIFY said (RFC 6665 §4.1.3). */
export type OutboundState = "neutral" | "pending" | "active";

export interface OutboundDialog extends DialogData {
  readonly state: OutboundState;
  readonly hasBeenActive: boolean;
  /** The final response to the last SUBSCRIBE has not arrived yet. */
  readonly isAwaitingResponse: boolean;
  /** When that SUBSCRIBE went out (for the transaction timeout). */
  readonly sentAt: number;
  readonly expiresAt: number;
  readonly refreshAt: number;
  /** Expires of the last SUBSCRIBE sent (0: an unsubscribe in progress). */
  readonly requestedExpires: number;
}

/** One-off poll dialogs (PRES-POLL-01): the probe's `from` gets the answer. */
export interface PollDialog extends DialogData {
  readonly replyTo: string;
  readonly expiresAt: number;
}

/** Last state per PIDF tuple (PRES-STATE-04/05): resource mapping and presence, to diff full-state docs. */
export interface TupleState {
  readonly resource?: string;
  readonly info: PresenceInfo;
}

/**
 * Everything about one (XMPP user, SIP contact) pair where the gateway subscribes on the user's behalf:
 * authorization, the one notification dialog, polls, and the contact's tuples as last seen.
 */
export interface OutboundRecord {
  readonly kind: "outbound";
  /** A's bare JID. */
  readonly userJid: string;
  /** A's SIP URI (From of our SUBSCRIBEs). */
  readonly userUri: string;
  /** B's bare JID. */
  readonly contactJid: string;
  /** B's SIP AOR (Request-URI and To). */
  readonly contactUri: string;
  /** Gateway token for the Contact `gr` (PRES-X2S-01). */
  readonly contactToken: string;
  readonly auth: OutboundAuth;
  readonly dialog?: OutboundDialog;
  readonly polls: Readonly<Record<string, PollDialog>>;
  readonly tuples: Readonly<Record<string, TupleState>>;
  /** Retry of a failed refresh / re-subscribe (PRES-X2S-12, PRES-TERM-01). */
  readonly retryAt?: number;
  readonly retryDelayMs?: number;
  /** An `unsubscribe` is in progress: `unsubscribed` goes to A after the 2xx (PRES-X2S-14). */
  readonly isUnsubscribing?: boolean;
  /**
   * PRES-STATE-06: whether A has a presence session, as far as the gateway can tell (a probe from A's server
   * means A logged in; A's presence broadcast to B says whether any resource is left). Undefined: unknown,
   * treated as online.
   */
  readonly isUserOnline?: boolean;
}

export function outboundDueAt(record: OutboundRecord, transactionTimeoutMs: number): number | undefined {
  const times: number[] = [];
  const d = record.dialog;
  if (d?.isAwaitingResponse) {
    times.push(d.sentAt + transactionTimeoutMs);
  } else if (d) {
    // PRES-X2S-08: no refresh while A is offline; the dialog only needs attention when it runs out.
    times.push(record.isUserOnline === false ? d.expiresAt : Math.min(d.refreshAt, d.expiresAt));
  }
  if (record.retryAt !== undefined) times.push(record.retryAt);
  for (const p of Object.values(record.polls)) times.push(p.expiresAt);
  return times.length > 0 ? Math.min(...times) : undefined;
}

import type { XmlElement } from "@stox/events";
import type { PidfDocument } from "../pidf/pidf-model.js";

/** The SIP dialog data the mapper keeps itself (PRES-STATE-02/03), so any instance can send in-dialog. */
export interface DialogData {
  readonly callId: string;
  /** Our tag: From-tag of requests we send in this dialog. */
  readonly localTag: string;
  /** The peer's tag; unknown until the first response/NOTIFY on an outbound dialog. */
  readonly remoteTag?: string;
  /** Our URI (From of in-dialog requests). */
  readonly localUri: string;
  /** The peer's URI (To of in-dialog requests). */
  readonly remoteUri: string;
  /** Request-URI for in-dialog requests: the peer's Contact (RFC 3261 §12.1). */
  readonly remoteTarget: string;
  /** Record-Route of the dialog, in the order Route headers are sent. */
  readonly routeSet: readonly string[];
  /** Last CSeq we used in this dialog. */
  readonly localCseq: number;
  /** The sip-edge's id for this dialog, when it told us one. */
  readonly edgeDialogId?: string;
}

export type SubscriptionStateValue = "pending" | "active" | "terminated";

/** Timing and policy the machines apply; times in ms except where the name says seconds. */
export interface MachineConfig {
  /** Cap on granted Expires for incoming SUBSCRIBEs (PROJ 3600). */
  readonly maxExpiresSeconds: number;
  /** Floor; a shorter non-zero request gets 423 with Min-Expires (PROJ 60). */
  readonly minExpiresSeconds: number;
  /** Expires for SUBSCRIBE without Expires (RFC 3856 §6.4: 3600). */
  readonly defaultExpiresSeconds: number;
  /** Expires the gateway asks for on its own SUBSCRIBEs (PRES-X2S-01, PROJ 3600). */
  readonly outboundExpiresSeconds: number;
  /** Refresh at this fraction of the granted interval (PRES-X2S-08, PROJ 0.8). */
  readonly refreshFraction: number;
  /** Minimum gap between NOTIFYs in one dialog (RFC 3856 §6.10: 5 s). */
  readonly notifyIntervalMs: number;
  /** At most one `subscribe` per pair in this window for unanswered requests (PRES-S2X-03, PROJ 24 h). */
  readonly subscribeResendMs: number;
  /** At most one probe per pair in this window (PRES-SEC-08). */
  readonly probeIntervalMs: number;
  /** How long an outstanding SUBSCRIBE may wait for its final response (RFC 3261 Timer F, 32 s). */
  readonly transactionTimeoutMs: number;
  /** Write RPID activities next to `<show/>` (PRES-NTF-09). */
  readonly withRpid: boolean;
  /** PRES-POLL-06: how long a poll with nothing cached waits for the probe's answer (0..1000, default 0). */
  readonly pollWaitMs: number;
}

export const DEFAULT_MACHINE_CONFIG: MachineConfig = Object.freeze({
  maxExpiresSeconds: 3600,
  minExpiresSeconds: 60,
  defaultExpiresSeconds: 3600,
  outboundExpiresSeconds: 3600,
  refreshFraction: 0.8,
  notifyIntervalMs: 5_000,
  subscribeResendMs: 24 * 3600_000,
  probeIntervalMs: 60_000,
  transactionTimeoutMs: 32_000,
  withRpid: false,
  pollWaitMs: 0,
});

/** Where callIds and tags come from (injected so the machines stay pure). */
export interface IdSource {
  newCallId(): string;
  newTag(): string;
}

/** A NOTIFY the mapper must send in an inbound dialog (gateway = notifier). */
export interface NotifyEffect {
  readonly kind: "notify";
  /** Snapshot of the dialog with the CSeq to use (the dialog may already be gone from the record). */
  readonly dialog: DialogData;
  readonly state: SubscriptionStateValue;
  /** Remaining seconds, for pending/active (PRES-S2X-15). */
  readonly expiresSeconds?: number;
  readonly reason?: string;
  readonly retryAfterSeconds?: number;
  /** PIDF body, or none (an empty NOTIFY). */
  readonly pidf?: PidfDocument;
  /** RFC 8048 Table 1: the stanzas' xml:lang as Content-Language (when every resource uses the same one). */
  readonly contentLanguage?: string;
}

/** A SUBSCRIBE the mapper must send (gateway = subscriber). `isInitial`: it opens the dialog. */
export interface SubscribeEffect {
  readonly kind: "subscribe";
  readonly dialog: DialogData;
  readonly expiresSeconds: number;
  readonly isInitial: boolean;
}

export interface StanzaEffect {
  readonly kind: "stanza";
  readonly stanza: XmlElement;
}

export type Effect = NotifyEffect | SubscribeEffect | StanzaEffect;

/** What a transition returns: the next record (undefined = delete it) and what to send, in order. */
export interface Transition<R> {
  readonly record: R | undefined;
  readonly effects: readonly Effect[];
}

/** Key of a dialog in the index: Call-ID plus our tag identify it on our side (RFC 3261 §12). */
export function dialogIndexParts(callId: string, localTag: string): [string, string] {
  return [callId, localTag];
}

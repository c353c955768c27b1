import { sipResponseToXmppError } from "@stox/stox-core";
import { controlStanza, errorPresence, presenceStanza } from "../xmpp-presence.js";
import {
  authorizationGone,
  backoff,
  dialogData,
  newDialog,
  type OutboundParties,
  type Result,
  resubscribe,
  startDialog,
} from "./outbound-dialog.js";
import type { OutboundDialog, OutboundRecord, PollDialog } from "./outbound-record.js";
import type { Effect, IdSource, MachineConfig } from "./types.js";

export type { OutboundParties } from "./outbound-dialog.js";
export { diffTuples, type IncomingNotify, onNotify } from "./outbound-notify.js";

/**
 * PRES-X2S-01: `subscribe` from A to B opens a new SUBSCRIBE dialog (unless one is live; then an approved
 * authorization is confirmed again, which RFC 6121 §3.1.3 expects of a contact that already approved).
 */
export function onUserSubscribe(
  record: OutboundRecord | undefined,
  parties: OutboundParties,
  ids: IdSource,
  now: number,
  config: MachineConfig,
): Result {
  const r: OutboundRecord = record ?? {
    kind: "outbound",
    ...parties,
    contactToken: ids.newTag(),
    auth: "requested",
    polls: {},
    tuples: {},
  };
  if (r.dialog && !r.isUnsubscribing) {
    const effects: Effect[] =
      r.auth === "approved" ? [{ kind: "stanza", stanza: controlStanza(r.contactJid, r.userJid, "subscribed") }] : [];
    return { record: r, effects };
  }
  return startDialog({ ...r, isUnsubscribing: false }, ids, now, config);
}

/**
 * PRES-X2S-13: `unsubscribe` -> SUBSCRIBE Expires 0 in the dialog; `unsubscribed` after its 2xx
 * (PRES-X2S-14). With no dialog, nothing goes to SIP and `unsubscribed` goes back at once. Either way the
 * authorization record goes (only this direction's: PRES-X2S-16).
 */
export function onUserUnsubscribe(record: OutboundRecord | undefined, now: number): Result {
  if (!record) return { record: undefined, effects: [] };
  if (!record.dialog || record.dialog.state === "neutral") {
    return {
      record: undefined,
      effects: [{ kind: "stanza", stanza: controlStanza(record.contactJid, record.userJid, "unsubscribed") }],
    };
  }
  return resubscribe({ ...record, isUnsubscribing: true, tuples: {} }, record.dialog, now, 0);
}

export interface SubscribeResponse {
  readonly callId: string;
  readonly status: number;
  readonly reason?: string;
  /** Expires of a 2xx; authoritative (PRES-X2S-09). */
  readonly expiresSeconds?: number;
  readonly minExpiresSeconds?: number;
  readonly retryAfterSeconds?: number;
  readonly remoteTag?: string;
  readonly remoteTarget?: string;
  readonly routeSet?: readonly string[];
  readonly edgeDialogId?: string;
}

/** The final response to one of our SUBSCRIBEs (RFC 8048 §5.2.1-§5.2.3). */
export function onSubscribeResponse(
  record: OutboundRecord,
  res: SubscribeResponse,
  ids: IdSource,
  now: number,
  config: MachineConfig,
): Result {
  const d = record.dialog;
  if (!d || d.callId !== res.callId) return { record, effects: [] };
  const wasInitial = !d.hasBeenActive && d.localCseq === 1;
  if (res.status >= 200 && res.status < 300) {
    if (record.isUnsubscribing) {
      // PRES-X2S-14; the notifier's final NOTIFY terminated is still answered 200 (PRES-X2S-15).
      return {
        record: undefined,
        effects: [{ kind: "stanza", stanza: controlStanza(record.contactJid, record.userJid, "unsubscribed") }],
      };
    }
    const granted = res.expiresSeconds ?? d.requestedExpires;
    const dialog: OutboundDialog = {
      ...d,
      isAwaitingResponse: false,
      expiresAt: now + granted * 1000,
      refreshAt: now + Math.floor(granted * 1000 * config.refreshFraction),
      ...(res.remoteTag && !d.remoteTag ? { remoteTag: res.remoteTag } : {}),
      ...(res.remoteTarget ? { remoteTarget: res.remoteTarget } : {}),
      ...(res.routeSet && d.localCseq === 1 ? { routeSet: res.routeSet } : {}),
      ...(res.edgeDialogId ? { edgeDialogId: res.edgeDialogId } : {}),
    };
    const { retryAt: _r, retryDelayMs: _x, ...rest } = record;
    return { record: { ...rest, dialog }, effects: [] };
  }
  if (record.isUnsubscribing) {
    return {
      record: undefined,
      effects: [{ kind: "stanza", stanza: controlStanza(record.contactJid, record.userJid, "unsubscribed") }],
    };
  }
  if (res.status === 403 || res.status === 489 || res.status === 603) return authorizationGone(record);
  if (res.status === 423 && res.minExpiresSeconds !== undefined) {
    // PRES-X2S-11: retry with Expires >= Min-Expires (a new dialog when the first one never formed).
    const expires = Math.max(res.minExpiresSeconds, config.outboundExpiresSeconds);
    const retried = wasInitial
      ? { ...newDialog(record, ids, now, expires) }
      : { ...d, localCseq: d.localCseq + 1, sentAt: now, isAwaitingResponse: true, requestedExpires: expires };
    return {
      record: { ...record, dialog: retried },
      effects: [{ kind: "subscribe", dialog: dialogData(retried), expiresSeconds: expires, isInitial: wasInitial }],
    };
  }
  if (res.status === 481) return startDialog(record, ids, now, config); // PRES-X2S-11: a new dialog
  if (wasInitial && record.auth !== "approved") {
    // PRES-X2S-12: other errors on the initial SUBSCRIBE -> presence error, condition from CORE-ERR tables.
    const err = sipResponseToXmppError({ status: res.status, reasonPhrase: res.reason ?? "" });
    return {
      record: undefined,
      effects: [{ kind: "stanza", stanza: errorPresence(record.contactJid, record.userJid, err.type, err.condition) }],
    };
  }
  return backoff(record, now, res.retryAfterSeconds);
}

/**
 * `probe` from A's server (RFC 8048 §7.1): answer from a live active dialog's cache (PRES-POLL-02), start a
 * dialog when approved but none is live (PRES-X2S-08), otherwise a one-off poll: SUBSCRIBE Expires 0 in a
 * new dialog whose NOTIFY goes to the probe's `from` (PRES-POLL-01).
 */
export function onUserProbe(
  record: OutboundRecord | undefined,
  parties: OutboundParties,
  replyTo: string,
  ids: IdSource,
  now: number,
  config: MachineConfig,
): Result {
  let r: OutboundRecord = record ?? {
    kind: "outbound",
    ...parties,
    contactToken: ids.newTag(),
    auth: "requested",
    polls: {},
    tuples: {},
  };
  // PRES-STATE-06: A's server probes its contacts when A logs in.
  r = { ...r, isUserOnline: true };
  if (r.dialog?.state === "active" && !r.isUnsubscribing) {
    const effects = Object.values(r.tuples).map((t) => ({
      kind: "stanza" as const,
      stanza: presenceStanza(t.resource ? `${r.contactJid}/${t.resource}` : r.contactJid, replyTo, t.info),
    }));
    return { record: r, effects };
  }
  if (r.auth === "approved" && !r.dialog) return startDialog(r, ids, now, config);
  const poll: PollDialog = {
    ...dialogData(newDialog(r, ids, now, 0)),
    replyTo,
    expiresAt: now + config.transactionTimeoutMs,
  };
  const { replyTo: _x, expiresAt: _y, ...data } = poll;
  const next: OutboundRecord | undefined = record
    ? { ...r, polls: { ...r.polls, [poll.callId]: poll } }
    : { ...r, polls: { [poll.callId]: poll } };
  return { record: next, effects: [{ kind: "subscribe", dialog: data, expiresSeconds: 0, isInitial: true }] };
}

/** Timers: refresh at 80 % (PRES-X2S-08), retries, response timeouts, poll clean-up. */
export function onOutboundTimer(record: OutboundRecord, ids: IdSource, now: number, config: MachineConfig): Result {
  const polls = Object.fromEntries(Object.entries(record.polls).filter(([, p]) => p.expiresAt > now));
  let r: OutboundRecord = { ...record, polls };
  const d = r.dialog;
  if (d?.isAwaitingResponse && d.sentAt + config.transactionTimeoutMs <= now) {
    // The response was lost (the instance that sent it died, or Timer F): treat like a 408.
    return onSubscribeResponse(r, { callId: d.callId, status: 408 }, ids, now, config);
  }
  if (d && !d.isAwaitingResponse && r.isUserOnline === false) {
    // PRES-X2S-08 / PRES-SEC-01: A is offline, so the dialog is left to lapse; the authorization stays and
    // A's next login (the probe) opens a new dialog.
    if (d.expiresAt > now) return { record: r, effects: [] };
    const { dialog: _gone, ...rest } = r;
    return { record: { ...rest, tuples: {} }, effects: [] };
  }
  if (d && !d.isAwaitingResponse && Math.min(d.refreshAt, d.expiresAt) <= now) {
    return resubscribe(r, d, now, d.requestedExpires > 0 ? d.requestedExpires : config.outboundExpiresSeconds);
  }
  if (!d && r.retryAt !== undefined && r.retryAt <= now) {
    const { retryAt: _a, ...rest } = r;
    r = rest;
    const started = startDialog(r, ids, now, config);
    return {
      record: started.record
        ? { ...started.record, ...(record.retryDelayMs ? { retryDelayMs: record.retryDelayMs } : {}) }
        : undefined,
      effects: started.effects,
    };
  }
  return { record: r, effects: [] };
}

/**
 * PRES-STATE-06: A's presence session as seen from A's broadcasts to B (any resource available or not).
 * Coming back online with an approved authorization and no dialog opens one (PRES-X2S-08).
 */
export function onUserSession(
  record: OutboundRecord,
  isOnline: boolean,
  ids: IdSource,
  now: number,
  config: MachineConfig,
): Result {
  if (record.isUserOnline === isOnline) return { record, effects: [] };
  const next: OutboundRecord = { ...record, isUserOnline: isOnline };
  if (isOnline && next.auth === "approved" && !next.dialog && next.retryAt === undefined)
    return startDialog(next, ids, now, config);
  return { record: next, effects: [] };
}

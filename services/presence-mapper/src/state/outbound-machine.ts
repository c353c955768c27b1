import { sipResponseToXmppError } from "@stox/stox-core";
import type { PidfDocument } from "../pidf/pidf-model.js";
import { pidfToPresences } from "../pidf/presence-pidf.js";
import { controlStanza, errorPresence, type PresenceInfo, presenceStanza } from "../xmpp-presence.js";
import type { OutboundDialog, OutboundRecord, PollDialog, TupleState } from "./outbound-record.js";
import type { DialogData, Effect, IdSource, MachineConfig, SubscriptionStateValue, Transition } from "./types.js";

type Result = Transition<OutboundRecord>;

export interface OutboundParties {
  readonly userJid: string;
  readonly userUri: string;
  readonly contactJid: string;
  readonly contactUri: string;
}

function newDialog(r: OutboundRecord, ids: IdSource, now: number, expires: number): OutboundDialog {
  return {
    callId: ids.newCallId(),
    localTag: ids.newTag(),
    localUri: r.userUri,
    remoteUri: r.contactUri,
    remoteTarget: r.contactUri,
    routeSet: [],
    localCseq: 1,
    state: "neutral",
    hasBeenActive: false,
    isAwaitingResponse: true,
    sentAt: now,
    expiresAt: now + expires * 1000,
    refreshAt: now + expires * 1000,
    requestedExpires: expires,
  };
}

function dialogData(d: OutboundDialog): DialogData {
  const {
    state: _s,
    hasBeenActive: _h,
    isAwaitingResponse: _a,
    sentAt: _t,
    expiresAt: _e,
    refreshAt: _r,
    requestedExpires: _q,
    ...data
  } = d;
  return data;
}

function startDialog(r: OutboundRecord, ids: IdSource, now: number, config: MachineConfig): Result {
  const dialog = newDialog(r, ids, now, config.outboundExpiresSeconds);
  const { retryAt: _r, retryDelayMs: _d, ...rest } = r;
  return {
    record: { ...rest, dialog },
    effects: [
      { kind: "subscribe", dialog: dialogData(dialog), expiresSeconds: config.outboundExpiresSeconds, isInitial: true },
    ],
  };
}

/** A refresh (or Expires 0) SUBSCRIBE inside the dialog (PRES-X2S-09: in-dialog, same Event). */
function resubscribe(r: OutboundRecord, d: OutboundDialog, now: number, expires: number): Result {
  const dialog: OutboundDialog = {
    ...d,
    localCseq: d.localCseq + 1,
    isAwaitingResponse: true,
    sentAt: now,
    requestedExpires: expires,
  };
  return {
    record: { ...r, dialog },
    effects: [{ kind: "subscribe", dialog: dialogData(dialog), expiresSeconds: expires, isInitial: false }],
  };
}

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

function unavailableForAll(r: OutboundRecord): Effect[] {
  return Object.values(r.tuples)
    .filter((t) => t.info.isAvailable)
    .map((t) => ({
      kind: "stanza" as const,
      stanza: presenceStanza(t.resource ? `${r.contactJid}/${t.resource}` : r.contactJid, r.userJid, {
        isAvailable: false,
        statuses: [],
      }),
    }));
}

/** The authorization is gone (PRES-X2S-10, PRES-TERM-01 rejected/noresource): unavailable, then unsubscribed. */
function authorizationGone(r: OutboundRecord): Result {
  return {
    record: undefined,
    effects: [
      ...unavailableForAll(r),
      { kind: "stanza", stanza: controlStanza(r.contactJid, r.userJid, "unsubscribed") },
    ],
  };
}

function backoff(r: OutboundRecord, now: number, retryAfterSeconds?: number): Result {
  // PRES-X2S-12: 30 s doubling up to 1 h, obeying Retry-After.
  const delay = Math.min((r.retryDelayMs ?? 15_000) * 2, 3600_000);
  const wait = retryAfterSeconds !== undefined ? Math.max(retryAfterSeconds * 1000, delay) : delay;
  const { dialog: _d, ...rest } = r;
  return { record: { ...rest, retryAt: now + wait, retryDelayMs: delay }, effects: [] };
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

export interface IncomingNotify {
  readonly callId: string;
  readonly remoteTag?: string;
  readonly state: SubscriptionStateValue;
  readonly expiresSeconds?: number;
  readonly reason?: string;
  readonly retryAfterSeconds?: number;
  /** Parsed PIDF body; undefined when the NOTIFY had none (PRES-NTF-17). */
  readonly pidf?: PidfDocument;
  readonly contentLanguage?: string;
  /** `gr` of the NOTIFY's Contact (PRES-NTF-15). */
  readonly contactGr?: string;
  readonly remoteTarget?: string;
}

function sameInfo(a: PresenceInfo, b: PresenceInfo): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A full-state PIDF document -> presence stanzas to `to` (RFC 8048 §6.3): one per changed tuple, and
 * `unavailable` for tuples that disappeared (PRES-NTF-15); returns the new tuple map.
 */
export function diffTuples(
  r: Pick<OutboundRecord, "contactJid" | "tuples">,
  to: string,
  n: Pick<IncomingNotify, "pidf" | "contactGr" | "contentLanguage">,
  sendAll: boolean,
): { tuples: Record<string, TupleState>; effects: Effect[] } {
  const effects: Effect[] = [];
  const tuples: Record<string, TupleState> = {};
  const from = (resource?: string) => (resource ? `${r.contactJid}/${resource}` : r.contactJid);
  const opts = {
    ...(n.contactGr ? { contactGr: n.contactGr } : {}),
    ...(n.contentLanguage ? { contentLanguage: n.contentLanguage } : {}),
  };
  for (const t of n.pidf ? pidfToPresences(n.pidf, opts) : []) {
    tuples[t.tupleId] = { ...(t.resource ? { resource: t.resource } : {}), info: t.info };
    const before = r.tuples[t.tupleId];
    if (sendAll || !before || !sameInfo(before.info, t.info)) {
      effects.push({ kind: "stanza", stanza: presenceStanza(from(t.resource), to, t.info) });
    }
  }
  for (const [id, old] of Object.entries(r.tuples)) {
    if (!tuples[id] && old.info.isAvailable) {
      effects.push({
        kind: "stanza",
        stanza: presenceStanza(from(old.resource), to, { isAvailable: false, statuses: [] }),
      });
    }
  }
  return { tuples, effects };
}

/** A NOTIFY in our outbound dialog (PRES-X2S-02..07, PRES-NTF-17, PRES-TERM-01/02). Always answered 200. */
export function onNotify(
  record: OutboundRecord,
  n: IncomingNotify,
  ids: IdSource,
  now: number,
  config: MachineConfig,
): Result {
  const poll = record.polls[n.callId];
  if (poll) return onPollNotify(record, poll, n);
  const d = record.dialog;
  if (!d || d.callId !== n.callId) return { record, effects: [] };
  const withTag: OutboundDialog = {
    ...d,
    ...(n.remoteTag && !d.remoteTag ? { remoteTag: n.remoteTag } : {}),
    ...(n.remoteTarget ? { remoteTarget: n.remoteTarget } : {}),
  };
  if (n.state === "terminated") return onTerminated({ ...record, dialog: withTag }, n, ids, now, config);
  if (record.isUnsubscribing) return { record: { ...record, dialog: withTag }, effects: [] };
  const expiresAt = n.expiresSeconds !== undefined ? now + n.expiresSeconds * 1000 : withTag.expiresAt;
  const refreshAt =
    n.expiresSeconds !== undefined
      ? now + Math.floor(n.expiresSeconds * 1000 * config.refreshFraction)
      : withTag.refreshAt;
  if (n.state === "pending") {
    // PRES-X2S-03: answered, nothing to XMPP.
    return { record: { ...record, dialog: { ...withTag, state: "pending", expiresAt, refreshAt } }, effects: [] };
  }
  const effects: Effect[] = [];
  const isFirstActive = !withTag.hasBeenActive;
  if (isFirstActive) {
    // PRES-X2S-06: the first active NOTIFY approves the authorization.
    effects.push({ kind: "stanza", stanza: controlStanza(record.contactJid, record.userJid, "subscribed") });
  }
  const dialog: OutboundDialog = { ...withTag, state: "active", hasBeenActive: true, expiresAt, refreshAt };
  if (!n.pidf) {
    // PRES-NTF-17: no body = no change (first active without body: PRES-X2S-07, nothing sent).
    return { record: { ...record, auth: "approved", dialog }, effects };
  }
  const diff = diffTuples(record, record.userJid, n, isFirstActive);
  return {
    record: { ...record, auth: "approved", dialog, tuples: diff.tuples },
    effects: [...effects, ...diff.effects],
  };
}

function onPollNotify(record: OutboundRecord, poll: PollDialog, n: IncomingNotify): Result {
  // PRES-POLL-01: the poll's NOTIFY goes to the probe's `from`, then the poll ends when terminated.
  const diff = diffTuples({ contactJid: record.contactJid, tuples: {} }, poll.replyTo, n, true);
  const polls = { ...record.polls };
  if (n.state === "terminated") delete polls[n.callId];
  return { record: { ...record, polls }, effects: diff.effects };
}

/** PRES-TERM-01: the reason table of presence.md §10. */
function onTerminated(
  record: OutboundRecord,
  n: IncomingNotify,
  ids: IdSource,
  now: number,
  config: MachineConfig,
): Result {
  // PRES-X2S-15: the notifier's final NOTIFY of an unsubscribe; the 2xx to our SUBSCRIBE finishes it.
  if (record.isUnsubscribing) return { record, effects: [] };
  const { dialog: _d, ...noDialog } = record;
  switch (n.reason) {
    case "rejected":
    case "noresource":
      return authorizationGone(record);
    case "deactivated":
      return startDialog(noDialog, ids, now, config);
    case "probation":
    case "giveup":
      return {
        record: { ...noDialog, retryAt: now + (n.retryAfterSeconds ?? (n.reason === "giveup" ? 3600 : 300)) * 1000 },
        effects: [],
      };
    case "invariant":
      return { record: noDialog, effects: [] };
    default:
      // timeout, none or unknown: re-subscribe at once (A's online state is not tracked, see README).
      return startDialog(noDialog, ids, now, config);
  }
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

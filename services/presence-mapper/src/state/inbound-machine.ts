import type { PidfDocument } from "../pidf/pidf-model.js";
import { presenceToPidf } from "../pidf/presence-pidf.js";
import { controlStanza, type PresenceInfo } from "../xmpp-presence.js";
import { dialogKeyOf, type InboundDialog, type InboundRecord } from "./inbound-record.js";
import type { DialogData, Effect, MachineConfig, NotifyEffect, Transition } from "./types.js";

/** The parties of an inbound pair, as resolved by the handler from the SUBSCRIBE. */
export interface InboundParties {
  readonly watcherUri: string;
  readonly watcherJid: string;
  readonly contactJid: string;
  readonly contactUri: string;
}

export function newInboundRecord(p: InboundParties): InboundRecord {
  return { kind: "inbound", ...p, auth: "none", resources: {}, dialogs: {} };
}

/** The SIP answer to an incoming SUBSCRIBE. */
export type SubscribeAnswer =
  | { readonly status: 200; readonly expiresSeconds: number }
  | { readonly status: 423; readonly minExpiresSeconds: number }
  | { readonly status: 481 };

type Result = Transition<InboundRecord> & { readonly answer?: SubscribeAnswer };

function entityOf(contactUri: string): string {
  return `pres:${contactUri.slice(contactUri.indexOf(":") + 1)}`;
}

/** The contact's current presence for this watcher as PIDF (PRES-NTF-10/11); undefined when nothing is cached. */
export function cachedPidf(
  record: InboundRecord,
  config: MachineConfig,
  forceClosed = false,
): PidfDocument | undefined {
  const names = Object.keys(record.resources);
  if (names.length === 0 && !forceClosed) return undefined;
  const resources = new Map<string, PresenceInfo>();
  for (const name of names) {
    const info = record.resources[name] as PresenceInfo;
    resources.set(name, forceClosed ? { isAvailable: false, statuses: info.statuses } : info);
  }
  const doc = presenceToPidf(resources, {
    entity: entityOf(record.contactUri),
    contactFor: (r) => (r === "" ? record.contactUri : `${record.contactUri};gr=${encodeURIComponent(r)}`),
    withRpid: config.withRpid,
  });
  if (doc.tuples.length > 0) return doc;
  // PRES-S2X-10: a closed document even when no resource was ever seen; "bare" decodes to no resource.
  return {
    ...doc,
    tuples: [{ id: "bare", basic: "closed", activities: [], contact: { uri: record.contactUri }, notes: [] }],
  };
}

function remainingSeconds(d: InboundDialog, now: number): number {
  return Math.max(0, Math.ceil((d.expiresAt - now) / 1000));
}

/** Builds a NOTIFY for dialog `d` and returns the dialog with its CSeq and rate-limit clock advanced. */
function notify(
  d: InboundDialog,
  now: number,
  fields: Omit<NotifyEffect, "kind" | "dialog">,
): { dialog: InboundDialog; effect: NotifyEffect } {
  const dialog: InboundDialog = { ...d, localCseq: d.localCseq + 1, lastNotifyAt: now, hasPendingNotify: false };
  const { hasPendingNotify: _p, lastNotifyAt: _l, expiresAt: _e, ...data } = dialog;
  return { dialog, effect: { kind: "notify", dialog: data as DialogData, ...fields } };
}

function stateNotify(record: InboundRecord, d: InboundDialog, now: number, config: MachineConfig) {
  // PRES-S2X-04/09: pending with no body until approved; active with the cached state or empty.
  const isActive = record.auth === "approved";
  const pidf = isActive ? cachedPidf(record, config) : undefined;
  const lang = pidf ? commonLang(record) : undefined;
  return notify(d, now, {
    state: isActive ? "active" : "pending",
    expiresSeconds: remainingSeconds(d, now),
    ...(pidf ? { pidf } : {}),
    ...(lang ? { contentLanguage: lang } : {}),
  });
}

/** The xml:lang shared by every cached resource's stanza, if there is exactly one. */
function commonLang(record: InboundRecord): string | undefined {
  const langs = new Set(Object.values(record.resources).map((info) => info.lang));
  const [only] = [...langs];
  return langs.size === 1 ? only : undefined;
}

export interface NewSubscribe {
  readonly dialog: DialogData;
  /** Expires header value; undefined when absent. */
  readonly requestedExpires: number | undefined;
}

function grant(requested: number | undefined, config: MachineConfig): SubscribeAnswer {
  if (requested === undefined) return { status: 200, expiresSeconds: config.defaultExpiresSeconds };
  if (requested === 0) return { status: 200, expiresSeconds: 0 };
  if (requested < config.minExpiresSeconds) return { status: 423, minExpiresSeconds: config.minExpiresSeconds };
  return { status: 200, expiresSeconds: Math.min(requested, config.maxExpiresSeconds) };
}

/**
 * A SUBSCRIBE that opens a dialog (RFC 8048 §5.3.1, §7.2). Expires > 0: 200, an immediate NOTIFY
 * (PRES-S2X-02/04) and `subscribe` to the contact unless approved (PRES-S2X-03, at most once per window).
 * Expires 0 is a poll (PRES-POLL-04/05): 200, NOTIFY terminated;reason=timeout with the cached state, and a
 * probe when nothing is cached.
 */
export function onNewSubscribe(record: InboundRecord, sub: NewSubscribe, now: number, config: MachineConfig): Result {
  const answer = grant(sub.requestedExpires, config);
  if (answer.status !== 200) return { record, effects: [], answer };
  const base: InboundDialog = { ...sub.dialog, expiresAt: now + answer.expiresSeconds * 1000 };
  const effects: Effect[] = [];
  if (answer.expiresSeconds === 0) {
    const pidf = record.auth === "approved" ? cachedPidf(record, config) : undefined;
    const mayProbe = record.probeSentAt === undefined || now - record.probeSentAt >= config.probeIntervalMs;
    let next = record;
    if (!pidf && mayProbe) {
      effects.push({ kind: "stanza", stanza: controlStanza(record.watcherJid, record.contactJid, "probe") });
      next = { ...record, probeSentAt: now };
    }
    if (!pidf && config.pollWaitMs > 0) {
      // PRES-POLL-06: hold the NOTIFY a little for the probe's answer (this bends RFC 6665's "at once").
      const waiting = { ...base, expiresAt: now + Math.min(config.pollWaitMs, 1000) };
      return {
        record: { ...next, waitingPolls: { ...next.waitingPolls, [dialogKeyOf(base)]: waiting } },
        effects,
        answer,
      };
    }
    effects.unshift(notify(base, now, { state: "terminated", reason: "timeout", ...(pidf ? { pidf } : {}) }).effect);
    return { record: next, effects, answer };
  }
  const first = stateNotify(record, base, now, config);
  effects.push(first.effect);
  let next: InboundRecord = { ...record, dialogs: { ...record.dialogs, [dialogKeyOf(base)]: first.dialog } };
  const maySubscribe = record.subscribeSentAt === undefined || now - record.subscribeSentAt >= config.subscribeResendMs;
  if (record.auth !== "approved" && maySubscribe) {
    effects.push({ kind: "stanza", stanza: controlStanza(record.watcherJid, record.contactJid, "subscribe") });
    next = { ...next, auth: "requested", subscribeSentAt: now };
  }
  return { record: next, effects, answer };
}

/**
 * A SUBSCRIBE inside a live dialog. Expires 0 (PRES-S2X-10): 200, NOTIFY with basic closed and
 * terminated;reason=timeout, `unavailable` to the contact; the authorization stays. Otherwise a refresh
 * (PRES-S2X-09): 200 and a NOTIFY with the cached state or empty; no new `subscribe` (PRES-S2X-03).
 */
export function onSubscribeInDialog(
  record: InboundRecord,
  dialogKey: string,
  requestedExpires: number | undefined,
  now: number,
  config: MachineConfig,
): Result {
  const d = record.dialogs[dialogKey];
  if (!d) return { record, effects: [], answer: { status: 481 } };
  const answer = grant(requestedExpires, config);
  if (answer.status !== 200) return { record, effects: [], answer };
  if (answer.expiresSeconds === 0) {
    const { next, effects } = endDialog(record, dialogKey, now, config);
    return { record: next, effects, answer };
  }
  // PRES-NTF-11: resources that went offline are shown closed until the next refresh; this is it.
  const pruned: InboundRecord = { ...record, resources: withoutClosed(record.resources) };
  const refreshed = stateNotify(pruned, { ...d, expiresAt: now + answer.expiresSeconds * 1000 }, now, config);
  return {
    record: { ...pruned, dialogs: { ...record.dialogs, [dialogKey]: refreshed.dialog } },
    effects: [refreshed.effect],
    answer,
  };
}

/** Drops unavailable resources while at least one is available (otherwise keeps them to show "closed"). */
function withoutClosed(resources: Readonly<Record<string, PresenceInfo>>): Readonly<Record<string, PresenceInfo>> {
  const open = Object.entries(resources).filter(([, info]) => info.isAvailable);
  return open.length > 0 ? Object.fromEntries(open) : resources;
}

/** PRES-S2X-10/11: closed + terminated;reason=timeout, then `unavailable` from the watcher to the contact. */
function endDialog(record: InboundRecord, dialogKey: string, now: number, config: MachineConfig) {
  const d = record.dialogs[dialogKey] as InboundDialog;
  const { [dialogKey]: _gone, ...rest } = record.dialogs;
  const pidf = cachedPidf(record, config, true);
  const effects: Effect[] = [
    notify(d, now, { state: "terminated", reason: "timeout", ...(pidf ? { pidf } : {}) }).effect,
    { kind: "stanza", stanza: controlStanza(record.watcherJid, record.contactJid, "unavailable") },
  ];
  return { next: { ...record, dialogs: rest }, effects };
}

/** PRES-S2X-06: approval; every live dialog goes active (PRES-SEC-06: never before this). */
export function onContactSubscribed(record: InboundRecord, now: number, config: MachineConfig): Result {
  const approved: InboundRecord = { ...record, auth: "approved" };
  return notifyAll(approved, now, config, true);
}

/**
 * PRES-S2X-07: denial or revocation: NOTIFY terminated;reason=rejected with no body in every dialog, the
 * dialogs end and the cached presence is cleared.
 */
export function onContactUnsubscribed(record: InboundRecord, now: number): Result {
  return terminateAll({ ...record, auth: "denied", resources: {} }, now, "rejected");
}

/** PRES-S2X-12: a presence error answering our subscribe/probe ends every dialog with a reason by condition. */
export function onContactError(record: InboundRecord, condition: string, now: number): Result {
  const noresource = ["item-not-found", "remote-server-not-found", "jid-malformed", "gone"];
  const rejected = [
    "forbidden",
    "not-authorized",
    "not-allowed",
    "service-unavailable",
    "policy-violation",
    "registration-required",
    "subscription-required",
  ];
  if (noresource.includes(condition)) return terminateAll(record, now, "noresource");
  if (rejected.includes(condition)) return terminateAll(record, now, "rejected");
  return terminateAll(record, now, "probation", 300);
}

function terminateAll(record: InboundRecord, now: number, reason: string, retryAfterSeconds?: number): Result {
  const effects = Object.values(record.dialogs).map(
    (d) => notify(d, now, { state: "terminated", reason, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) }).effect,
  );
  return { record: { ...record, dialogs: {} }, effects };
}

/**
 * Presence from the contact to this watcher (RFC 8048 §6.2): cache it per resource (PRES-STATE-04) and,
 * when approved, NOTIFY every dialog with the full state (PRES-NTF-11), at most one NOTIFY per interval per
 * dialog (PRES-S2X-14): changes inside the window are merged into a NOTIFY when it ends.
 */
export function onContactPresence(
  record: InboundRecord,
  resource: string,
  info: PresenceInfo,
  now: number,
  config: MachineConfig,
): Result {
  const updated: InboundRecord = { ...record, resources: withPresence(record.resources, resource, info) };
  if (updated.auth !== "approved") return { record: updated, effects: [] };
  const polls = answerWaitingPolls(updated, now, config, true);
  const t = notifyAll(polls.record, now, config, false);
  return { record: t.record, effects: [...polls.effects, ...t.effects] };
}

/**
 * Unavailable from the bare JID means every resource is gone (RFC 6121 §4.3.2, the answer to a probe when
 * no resource is online): close the known resources instead of adding a bare tuple beside them.
 */
function withPresence(
  resources: Readonly<Record<string, PresenceInfo>>,
  resource: string,
  info: PresenceInfo,
): Record<string, PresenceInfo> {
  const named = Object.keys(resources).filter((r) => r !== "");
  if (resource === "" && !info.isAvailable && named.length > 0) {
    return Object.fromEntries(named.map((r) => [r, { ...info, statuses: info.statuses }]));
  }
  const next = { ...resources, [resource]: info };
  if (resource !== "") delete next[""]; // a resource came online: the bare placeholder is obsolete
  return next;
}

function notifyAll(record: InboundRecord, now: number, config: MachineConfig, isForced: boolean): Result {
  const effects: Effect[] = [];
  const dialogs: Record<string, InboundDialog> = {};
  for (const [key, d] of Object.entries(record.dialogs)) {
    const isThrottled = d.lastNotifyAt !== undefined && now - d.lastNotifyAt < config.notifyIntervalMs;
    if (isThrottled && !isForced) {
      dialogs[key] = { ...d, hasPendingNotify: true };
      continue;
    }
    const sent = stateNotify(record, d, now, config);
    dialogs[key] = sent.dialog;
    effects.push(sent.effect);
  }
  return { record: { ...record, dialogs }, effects };
}

/** Timers (PRES-S2X-11, PRES-S2X-14): end expired dialogs, send NOTIFYs whose rate-limit window is over. */
export function onInboundTimer(record: InboundRecord, now: number, config: MachineConfig): Result {
  const polls = answerWaitingPolls(record, now, config, false);
  let next = polls.record;
  const effects: Effect[] = [...polls.effects];
  for (const [key, d] of Object.entries(record.dialogs)) {
    if (d.expiresAt <= now) {
      const ended = endDialog(next, key, now, config);
      next = ended.next;
      effects.push(...ended.effects);
    } else if (d.hasPendingNotify && (d.lastNotifyAt ?? 0) + config.notifyIntervalMs <= now) {
      const sent = stateNotify(next, d, now, config);
      next = { ...next, dialogs: { ...next.dialogs, [key]: sent.dialog } };
      effects.push(sent.effect);
    }
  }
  return { record: next, effects };
}

/** PRES-POLL-06: sends the held poll NOTIFYs whose wait is over (all of them when `isAnswered`). */
function answerWaitingPolls(record: InboundRecord, now: number, config: MachineConfig, isAnswered: boolean) {
  const waiting = Object.entries(record.waitingPolls ?? {});
  const due = waiting.filter(([, p]) => isAnswered || p.expiresAt <= now);
  if (due.length === 0) return { record, effects: [] as Effect[] };
  const pidf = record.auth === "approved" ? cachedPidf(record, config) : undefined;
  const effects = due.map(
    ([, p]) => notify(p, now, { state: "terminated", reason: "timeout", ...(pidf ? { pidf } : {}) }).effect,
  );
  const rest = Object.fromEntries(waiting.filter(([, p]) => !(isAnswered || p.expiresAt <= now)));
  const { waitingPolls: _w, ...base } = record;
  return { record: Object.keys(rest).length > 0 ? { ...base, waitingPolls: rest } : base, effects };
}

/** PRES-S2X-16: the watcher answered a NOTIFY with 481 or another ending error, or it timed out. */
export function onNotifyFailed(record: InboundRecord, dialogKey: string): Result {
  const { [dialogKey]: _gone, ...rest } = record.dialogs;
  return { record: { ...record, dialogs: rest }, effects: [] };
}

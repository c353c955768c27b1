import type { PidfDocument } from "../pidf/pidf-model.js";
import { pidfToPresences } from "../pidf/presence-pidf.js";
import { controlStanza, type PresenceInfo, presenceStanza } from "../xmpp-presence.js";
import { authorizationGone, type Result, startDialog } from "./outbound-dialog.js";
import type { OutboundDialog, OutboundRecord, PollDialog, TupleState } from "./outbound-record.js";
import type { Effect, IdSource, MachineConfig, SubscriptionStateValue } from "./types.js";

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

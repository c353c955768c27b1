import { controlStanza, presenceStanza } from "../xmpp-presence.js";
import type { OutboundDialog, OutboundRecord } from "./outbound-record.js";
import type { DialogData, Effect, IdSource, MachineConfig, Transition } from "./types.js";

// Building blocks shared by the X2S transitions (outbound-machine.ts, outbound-notify.ts).

export type Result = Transition<OutboundRecord>;

export interface OutboundParties {
  readonly userJid: string;
  readonly userUri: string;
  readonly contactJid: string;
  readonly contactUri: string;
}

export function newDialog(r: OutboundRecord, ids: IdSource, now: number, expires: number): OutboundDialog {
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

export function dialogData(d: OutboundDialog): DialogData {
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

export function startDialog(r: OutboundRecord, ids: IdSource, now: number, config: MachineConfig): Result {
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
export function resubscribe(r: OutboundRecord, d: OutboundDialog, now: number, expires: number): Result {
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

export function unavailableForAll(r: OutboundRecord): Effect[] {
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
export function authorizationGone(r: OutboundRecord): Result {
  return {
    record: undefined,
    effects: [
      ...unavailableForAll(r),
      { kind: "stanza", stanza: controlStanza(r.contactJid, r.userJid, "unsubscribed") },
    ],
  };
}

export function backoff(r: OutboundRecord, now: number, retryAfterSeconds?: number): Result {
  // PRES-X2S-12: 30 s doubling up to 1 h, obeying Retry-After.
  const delay = Math.min((r.retryDelayMs ?? 15_000) * 2, 3600_000);
  const wait = retryAfterSeconds !== undefined ? Math.max(retryAfterSeconds * 1000, delay) : delay;
  const { dialog: _d, ...rest } = r;
  return { record: { ...rest, retryAt: now + wait, retryDelayMs: delay }, effects: [] };
}

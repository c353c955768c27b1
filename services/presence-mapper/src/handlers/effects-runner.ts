import {
  newEventId,
  nowIso,
  SIP_OUT_REQUEST,
  type SipRequestCommand,
  type SipResponseReceived,
  sipRequestCommandCodec,
  sipResponseReceivedCodec,
  type XmlElement,
  xmppOutSubject,
  xmppSendResultCodec,
  xmppStanzaCommandCodec,
} from "@stox/events";
import { PIDF_CONTENT_TYPE } from "../pidf/pidf-model.js";
import { serializePidf } from "../pidf/serialize-pidf.js";
import { contactUri, deltaSeconds, headerValue, routeSet, tagOf } from "../sip/sip-headers.js";
import { onNotifyFailed } from "../state/inbound-machine.js";
import { dialogKeyOf, type InboundRecord } from "../state/inbound-record.js";
import { onSubscribeResponse } from "../state/outbound-machine.js";
import type { OutboundRecord } from "../state/outbound-record.js";
import type { DialogData, Effect, NotifyEffect, SubscribeEffect } from "../state/types.js";
import type { MapperContext } from "./context.js";

function inDialogHeaders(d: DialogData, method: string): [string, string][] {
  return [["CSeq", `${d.localCseq} ${method}`], ...d.routeSet.map((r): [string, string] => ["Route", r])];
}

function dialogCommand(d: DialogData, method: string, headers: [string, string][]): SipRequestCommand {
  return {
    v: 1,
    id: newEventId(),
    at: nowIso(),
    method,
    requestUri: d.remoteTarget,
    from: { uri: d.localUri, tag: d.localTag },
    to: { uri: d.remoteUri, ...(d.remoteTag ? { tag: d.remoteTag } : {}) },
    callId: d.callId,
    ...(d.edgeDialogId ? { dialogId: d.edgeDialogId } : {}),
    headers: [...inDialogHeaders(d, method), ["Event", "presence"], ...headers],
  };
}

/** RFC 6665 §4.1.3 Subscription-State header value (PRES-S2X-15: expires only for pending/active). */
export function subscriptionStateValue(e: NotifyEffect): string {
  if (e.state !== "terminated") return `${e.state};expires=${e.expiresSeconds ?? 0}`;
  const retry = e.retryAfterSeconds !== undefined ? `;retry-after=${e.retryAfterSeconds}` : "";
  return `terminated${e.reason ? `;reason=${e.reason}` : ""}${retry}`;
}

export function notifyCommand(e: NotifyEffect, contactGruu: string): SipRequestCommand {
  const cmd = dialogCommand(e.dialog, "NOTIFY", [
    ["Subscription-State", subscriptionStateValue(e)],
    ["Contact", `<${contactGruu}>`],
    ...(e.contentLanguage ? [["Content-Language", e.contentLanguage] as [string, string]] : []),
  ]);
  // PRES-GEN-03: the body is application/pidf+xml; an empty NOTIFY has none.
  return e.pidf ? { ...cmd, contentType: PIDF_CONTENT_TYPE, body: serializePidf(e.pidf), bodyEncoding: "utf8" } : cmd;
}

export function subscribeCommand(e: SubscribeEffect, contactGruu: string): SipRequestCommand {
  return dialogCommand(e.dialog, "SUBSCRIBE", [
    ["Accept", PIDF_CONTENT_TYPE],
    ["Expires", String(e.expiresSeconds)],
    ["Contact", `<${contactGruu}>`],
  ]);
}

// RFC 6665 §4.2.2: these answers to a NOTIFY end the subscription; others are transient.
const TRANSIENT_NOTIFY_FAILURES = new Set([401, 407, 491, 500, 503, 504]);

/** Sends the effects of one committed transition, in order. Failures are logged, counted, fed back. */
export async function runEffects(
  ctx: MapperContext,
  recordKey: string,
  effects: readonly Effect[],
  gruuFor: (d: DialogData) => string,
) {
  for (const e of effects) {
    if (e.kind === "stanza") await sendStanza(ctx, e.stanza);
    else if (e.kind === "notify") await sendNotify(ctx, recordKey, e, gruuFor(e.dialog));
    else await sendSubscribe(ctx, recordKey, e, gruuFor(e.dialog));
  }
}

export async function sendStanza(ctx: MapperContext, stanza: XmlElement): Promise<void> {
  const sent = ctx.metrics.counter("stanzas_sent_total", "Presence stanzas sent to the xmpp-edge, by outcome", [
    "outcome",
  ]);
  try {
    const reply = await ctx.bus.request(
      xmppOutSubject("presence"),
      xmppStanzaCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), stanza }),
      { timeoutMs: ctx.xmppRequestTimeoutMs },
    );
    const result = xmppSendResultCodec.decode(reply.data);
    sent.inc({ outcome: result.ok ? "ok" : result.error.code });
  } catch (err) {
    sent.inc({ outcome: "failed" });
    ctx.logger.warn({ err }, "presence stanza not delivered to the xmpp-edge");
  }
}

async function requestSip(ctx: MapperContext, cmd: SipRequestCommand): Promise<SipResponseReceived | undefined> {
  try {
    const reply = await ctx.bus.request(SIP_OUT_REQUEST, sipRequestCommandCodec.encode(cmd), {
      timeoutMs: ctx.sipRequestTimeoutMs,
    });
    return sipResponseReceivedCodec.decode(reply.data);
  } catch (err) {
    ctx.logger.warn({ err, method: cmd.method }, "SIP request got no answer from the sip-edge");
    return undefined;
  }
}

async function sendNotify(ctx: MapperContext, recordKey: string, e: NotifyEffect, gruu: string) {
  const cmd = notifyCommand(e, gruu);
  let res = await requestSip(ctx, cmd);
  const isUnknownDialog = (r: SipResponseReceived | undefined) =>
    r !== undefined && !r.ok && r.error.code === "not-found";
  if (isUnknownDialog(res) && cmd.dialogId !== undefined) {
    // The edge stores a new dialog while it sends our 200, so the first NOTIFY can overtake it: try again
    // shortly. If the dialog is still unknown, the edge has dropped it (it does so on the 2xx to SUBSCRIBE
    // Expires 0, before our final NOTIFY), so send from our own dialog data (Call-ID and tags) instead.
    await new Promise((resolve) => setTimeout(resolve, 150));
    res = await requestSip(ctx, cmd);
    if (isUnknownDialog(res)) {
      const { dialogId: _gone, ...withoutEdgeDialog } = cmd;
      res = await requestSip(ctx, withoutEdgeDialog);
    }
  }
  const status = res?.ok ? res.status : 408;
  ctx.metrics
    .counter("notifies_sent_total", "NOTIFYs sent, by status class", ["status"])
    .inc({ status: `${Math.floor(status / 100)}xx` });
  if (status < 300 || e.state === "terminated" || TRANSIENT_NOTIFY_FAILURES.has(status)) return;
  // PRES-S2X-16: the subscriber is gone; drop the dialog, keep the authorization.
  await ctx.store.mutate<InboundRecord>(recordKey, (r) =>
    r ? onNotifyFailed(r, dialogKeyOf(e.dialog)) : { record: r, effects: [] },
  );
}

async function sendSubscribe(ctx: MapperContext, recordKey: string, e: SubscribeEffect, gruu: string) {
  const res = await requestSip(ctx, subscribeCommand(e, gruu));
  if (!res) return; // the record's transaction timer treats it as a timeout (outbound-machine onOutboundTimer)
  const response = res.ok
    ? {
        callId: e.dialog.callId,
        status: res.status,
        reason: res.reason,
        ...(deltaSeconds(res.headers, "expires") !== undefined
          ? { expiresSeconds: deltaSeconds(res.headers, "expires") }
          : {}),
        ...(deltaSeconds(res.headers, "min-expires") !== undefined
          ? { minExpiresSeconds: deltaSeconds(res.headers, "min-expires") }
          : {}),
        ...(deltaSeconds(res.headers, "retry-after") !== undefined
          ? { retryAfterSeconds: deltaSeconds(res.headers, "retry-after") }
          : {}),
        ...(tagOf(headerValue(res.headers, "to")) ? { remoteTag: tagOf(headerValue(res.headers, "to")) } : {}),
        ...(contactUri(res.headers) && res.status < 300 ? { remoteTarget: contactUri(res.headers) } : {}),
        routeSet: routeSet(res.headers, true),
        ...(res.dialogId ? { edgeDialogId: res.dialogId } : {}),
      }
    : { callId: e.dialog.callId, status: res.error.code === "timeout" ? 408 : 503 };
  const t = await ctx.store.mutate<OutboundRecord>(recordKey, (r) =>
    r ? onSubscribeResponse(r, response, ctx.ids, ctx.clock.now(), ctx.machine) : { record: r, effects: [] },
  );
  if (t.record || t.effects.length > 0) await runEffects(ctx, recordKey, t.effects, () => gruu);
}

import type { Bus } from "@stox/bus";
import { newEventId, nowIso, type SipRequestReceived, sipResponseCommandCodec } from "@stox/events";
import { formatJid } from "@stox/stox-core";
import type { Logger } from "@stox/telemetry";
import { sendStanza } from "./bus-calls.js";
import type { ChatMetrics } from "./chat-metrics.js";
import type { ChatStore, S2XRecord } from "./chat-store.js";
import type { ChatMapperConfig } from "./config.js";
import { receiptStanza } from "./notifications.js";
import { type SipAnswer, sipAnswerForXmppFailure } from "./outcomes.js";
import type { RateLimiter } from "./rate-limiter.js";
import { mapSipMessage, type S2XReceipt, type S2XStanza } from "./sip-to-xmpp.js";

export interface S2XDeps {
  readonly bus: Bus;
  readonly config: ChatMapperConfig;
  readonly store: ChatStore;
  readonly limiter: RateLimiter;
  readonly logger: Logger;
  readonly metrics: ChatMetrics;
}

function answer(a: SipAnswer): Uint8Array {
  return sipResponseCommandCodec.encode({
    v: 1,
    id: newEventId(),
    at: nowIso(),
    ok: true,
    status: a.status,
    reason: a.reason,
    ...(a.headers ? { headers: a.headers.map(([n, v]) => [n, v] as [string, string]) } : {}),
  });
}

const success = (config: ChatMapperConfig): SipAnswer =>
  config.s2xSuccessStatus === 202 ? { status: 202, reason: "Accepted" } : { status: 200, reason: "OK" };

async function deliver(deps: S2XDeps, request: SipRequestReceived, d: S2XStanza): Promise<SipAnswer> {
  const { config, store, bus } = deps;
  if (!deps.limiter.take(request.from.uri)) {
    deps.metrics.s2x.inc({ outcome: "rate-limited" });
    return { status: 503, reason: "Service Unavailable", headers: [["Retry-After", "1"]] }; // IM-SEC-05
  }
  const record: S2XRecord = {
    sipSenderUri: d.sipSenderUri,
    sipTargetUri: request.requestUri,
    senderJid: formatJid(d.sender),
    targetJid: formatJid(d.target),
    ...(d.imdn
      ? {
          imdn: {
            messageId: d.imdn.messageId,
            dateTime: d.imdn.dateTime ?? nowIso(),
            dispositions: [...d.imdn.dispositions],
          },
        }
      : {}),
  };
  // The id comes from the SIP transaction, so a second delivery of one request (an edge retry after this or
  // another instance died before answering) is recognised. Whether the first copy reached XMPP is unknown,
  // so it is sent again with the same id: at least once, and recipients can tell the copies apart by id.
  // The KV write and the hand-over run side by side: both finish before the answer.
  const [recorded, sent] = await Promise.all([
    store.recordS2X(d.stanzaId, record).then(
      (isFirst) => ({ isFirst }),
      (err: unknown) => ({ err }),
    ),
    sendStanza(bus, d.stanza, config.xmppSendTimeoutMs),
  ]);
  if ("isFirst" in recorded && !recorded.isFirst) deps.metrics.s2x.inc({ outcome: "redelivered" });
  if (!sent.ok) {
    deps.metrics.s2x.inc({ outcome: "xmpp-failed" });
    deps.logger.warn({ stanzaId: d.stanzaId, error: sent.error.code }, "xmpp-edge did not take the stanza");
    return sipAnswerForXmppFailure(sent.error);
  }
  if ("err" in recorded) {
    // The message is on the XMPP link: a failure answer would make the sender retry and deliver it twice.
    // Only the record for late errors and receipts is missing, so those will count as unmatched.
    deps.metrics.s2x.inc({ outcome: "delivered-unrecorded" });
    deps.logger.warn({ stanzaId: d.stanzaId, err: recorded.err }, "delivered, but the S2X record was not stored");
    return success(config);
  }
  deps.metrics.s2x.inc({ outcome: "delivered" });
  return success(config); // IM-S2X-11/14: only now, once the stanza is on the XMPP link
}

async function deliverReceipt(deps: S2XDeps, d: S2XReceipt): Promise<SipAnswer> {
  const record = await deps.store.getX2SImdn(d.notification.messageId);
  const stanza = record === undefined ? undefined : receiptStanza(record, d.notification, formatJid(d.sender));
  if (stanza === undefined) {
    deps.metrics.s2x.inc({ outcome: "imdn-unmatched" });
    return { status: 200, reason: "OK" }; // nothing asked for it; accepted and not translated
  }
  const sent = await sendStanza(deps.bus, stanza, deps.config.xmppSendTimeoutMs);
  if (!sent.ok) return sipAnswerForXmppFailure(sent.error);
  deps.metrics.s2x.inc({ outcome: "receipt" });
  return success(deps.config);
}

/** Handles `stox.v1.sip.in.message`: RFC 7572 §5, answering only once the outcome is known. */
export function createS2XHandler(deps: S2XDeps): (request: SipRequestReceived) => Promise<Uint8Array> {
  return async (request) => {
    // IM-S2X-05: a Call-ID the X2S derived from a thread maps back to that thread.
    const thread = request.callId.startsWith("t-") ? await deps.store.threadOf(request.callId) : undefined;
    const d = mapSipMessage(request, deps.config, thread);
    switch (d.kind) {
      case "respond":
        deps.metrics.s2x.inc({ outcome: d.status < 300 ? "not-translated" : `refused-${d.status}` });
        return answer(d);
      case "receipt":
        return answer(await deliverReceipt(deps, d));
      case "stanza":
        return answer(await deliver(deps, request, d));
    }
  };
}

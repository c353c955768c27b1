import { randomUUID } from "node:crypto";
import type { Bus } from "@stox/bus";
import {
  newEventId,
  nowIso,
  type SipResponseReceived,
  type XmppStanzaReceived,
  xmppStanzaReplyCodec,
} from "@stox/events";
import {
  createStanzaError,
  formatAddressUri,
  jidToUri,
  parseJid,
  type StanzaError,
  sipResponseToXmppError,
} from "@stox/stox-core";
import type { Logger } from "@stox/telemetry";
import { sendSipRequest } from "./bus-calls.js";
import type { ChatMetrics } from "./chat-metrics.js";
import type { ChatStore } from "./chat-store.js";
import type { ChatMapperConfig } from "./config.js";
import { errorReport, type GeneratedMessage, imdnForReceipt } from "./notifications.js";
import { gatewayCodeFor, stanzaErrorForSipFailure } from "./outcomes.js";
import type { RateLimiter } from "./rate-limiter.js";
import { headerValue } from "./sip-headers.js";
import { x2sFromTag } from "./stanza-id.js";
import { type TargetQueue, TargetQueueFullError } from "./target-queue.js";
import { mapXmppMessage, type OutgoingMessage, type X2SDecision } from "./xmpp-to-sip.js";

export interface X2SDeps {
  readonly bus: Bus;
  readonly config: ChatMapperConfig;
  readonly store: ChatStore;
  readonly queue: TargetQueue;
  readonly limiter: RateLimiter;
  readonly logger: Logger;
  readonly metrics: ChatMetrics;
}

const ok = () => xmppStanzaReplyCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true });

/** The reply that makes the xmpp-edge return a stanza error to the sender (IM-X2S-22, CORE-ERR-14). */
function refused(error: StanzaError): Uint8Array {
  return xmppStanzaReplyCodec.encode({
    v: 1,
    id: newEventId(),
    at: nowIso(),
    ok: false,
    error: {
      code: gatewayCodeFor(error.condition),
      message: error.text ?? error.condition,
      isRetryable: error.type === "wait",
    },
    stanzaError: {
      type: error.type,
      condition: error.condition,
      // <gone/>/<redirect/> addresses travel in the text: the reply has no field of its own for them.
      ...(error.text !== undefined || error.address !== undefined
        ? {
            text: [error.text, error.address]
              .filter((t) => t !== undefined)
              .join(" ")
              .slice(0, 1024),
          }
        : {}),
    },
  });
}

/** IM-X2S-22..25: the stanza error for a SIP outcome, or undefined for a 2xx (IM-X2S-21: nothing to send). */
export function stanzaErrorForSipOutcome(response: SipResponseReceived): StanzaError | undefined {
  if (!response.ok) return stanzaErrorForSipFailure(response.error);
  if (response.status < 300) return undefined;
  const contact = headerValue(response.headers, "Contact");
  const contactUri = contact === undefined ? undefined : (/<([^>]*)>/.exec(contact)?.[1] ?? contact.split(";")[0]);
  return sipResponseToXmppError({
    status: response.status,
    reasonPhrase: response.reason,
    ...(contactUri ? { contact: contactUri.trim() } : {}),
  });
}

async function sendMessage(deps: X2SDeps, m: OutgoingMessage): Promise<SipResponseReceived> {
  // IM-X2S-06 / IM-STATE-04: a thread keeps one Call-ID with increasing CSeq numbers, counted in KV across
  // instances; a derived Call-ID is remembered so the answer maps back to the thread (IM-S2X-05).
  const cseq = m.thread === undefined ? undefined : await deps.store.nextCseq(m.callId, m.thread);
  if (m.imdn !== undefined && m.stanzaId !== undefined) {
    await deps.store.putX2SImdn(m.imdn.messageId, {
      senderJid: m.senderJid,
      targetJid: m.targetJid,
      stanzaId: m.stanzaId,
      dispositions: m.imdn.dispositions,
    });
  }
  return sendSipRequest(
    deps.bus,
    {
      method: "MESSAGE",
      requestUri: m.requestUri,
      from: { uri: m.fromUri, tag: m.fromTag },
      to: { uri: m.toUri },
      callId: m.callId,
      ...(cseq === undefined ? {} : { cseq }),
      headers: [...m.headers],
      contentType: m.contentType,
      body: m.body,
    },
    deps.config.sipRequestTimeoutMs,
  );
}

async function sendGenerated(deps: X2SDeps, g: GeneratedMessage): Promise<SipResponseReceived> {
  return sendSipRequest(
    deps.bus,
    {
      method: "MESSAGE",
      requestUri: g.requestUri,
      from: { uri: g.fromUri, tag: x2sFromTag() },
      to: { uri: g.toUri },
      callId: randomUUID(),
      contentType: g.contentType,
      body: g.body,
    },
    deps.config.sipRequestTimeoutMs,
  );
}

function sipUriOfJid(jid: string): string | undefined {
  try {
    return formatAddressUri(jidToUri(parseJid(jid)));
  } catch {
    return undefined;
  }
}

/** IM-S2X-15 / IM-TYPE-05: an XMPP error for a stanza the S2X sent. Never answered with an error. */
async function onXmppError(deps: X2SDeps, d: Extract<X2SDecision, { kind: "error-stanza" }>): Promise<Uint8Array> {
  const record = d.refId === undefined ? undefined : await deps.store.getS2X(d.refId);
  if (record === undefined) {
    deps.metrics.lateErrors.inc({ outcome: "unmatched" });
    deps.logger.debug({ stanzaId: d.refId, condition: d.condition }, "XMPP error for no known stanza, dropped");
    return ok();
  }
  deps.logger.warn({ stanzaId: d.refId, condition: d.condition }, "XMPP error after the SIP 2xx");
  if (!deps.config.errorReports) {
    deps.metrics.lateErrors.inc({ outcome: "logged" });
    return ok();
  }
  const recipientUri = sipUriOfJid(record.targetJid) ?? record.sipTargetUri;
  const report = errorReport(record, d.condition, d.text, deps.config.reportFromUri, recipientUri);
  const response = await sendGenerated(deps, report);
  deps.metrics.lateErrors.inc({ outcome: response.ok && response.status < 300 ? "reported" : "report-failed" });
  return ok();
}

/** XEP-0184/0333 -> RFC 5438: an acknowledgement of a stanza the S2X sent. */
async function onReceipt(deps: X2SDeps, d: Extract<X2SDecision, { kind: "receipt" }>): Promise<Uint8Array> {
  const record = await deps.store.getS2X(d.refId);
  const recipientUri = sipUriOfJid(d.senderJid);
  const imdn =
    record === undefined || recipientUri === undefined
      ? undefined
      : imdnForReceipt(record, d.notification, recipientUri);
  if (imdn === undefined) {
    deps.metrics.x2s.inc({ outcome: "receipt-unmatched" });
    return ok();
  }
  const response = await sendGenerated(deps, imdn);
  deps.metrics.x2s.inc({ outcome: response.ok && response.status < 300 ? "imdn-sent" : "imdn-failed" });
  return ok();
}

async function onSend(deps: X2SDeps, m: OutgoingMessage): Promise<Uint8Array> {
  if (!deps.limiter.take(m.senderJid)) {
    deps.metrics.x2s.inc({ outcome: "rate-limited" });
    return refused(createStanzaError("resource-constraint", { text: "too many messages" })); // IM-SEC-05
  }
  let response: SipResponseReceived;
  try {
    response = await deps.queue.run(m.requestUri, () => sendMessage(deps, m));
  } catch (err) {
    if (!(err instanceof TargetQueueFullError)) throw err;
    deps.metrics.x2s.inc({ outcome: "queue-full" });
    return refused(createStanzaError("resource-constraint", { text: "too many messages waiting for this recipient" }));
  }
  const error = stanzaErrorForSipOutcome(response);
  if (error === undefined) {
    deps.metrics.x2s.inc({ outcome: "delivered" });
    return ok();
  }
  deps.metrics.x2s.inc({ outcome: `sip-${response.ok ? response.status : response.error.code}` });
  return refused(error);
}

/** Handles `stox.v1.xmpp.in.message`: RFC 7572 §4, answering once the SIP final response is in. */
export function createX2SHandler(deps: X2SDeps): (event: XmppStanzaReceived) => Promise<Uint8Array> {
  const options = { ...deps.config, linkAuthenticated: true };
  return async (event) => {
    if (event.stanza.name !== "message") return refused(createStanzaError("bad-request", { text: "not a message" }));
    const d = mapXmppMessage(event.stanza, options);
    switch (d.kind) {
      case "ignore":
        deps.metrics.x2s.inc({ outcome: "not-translated" });
        return ok();
      case "refuse":
        deps.metrics.x2s.inc({ outcome: `refused-${d.error.condition}` });
        return refused(d.error);
      case "error-stanza":
        return onXmppError(deps, d);
      case "receipt":
        return onReceipt(deps, d);
      case "send":
        return onSend(deps, d.message);
    }
  };
}

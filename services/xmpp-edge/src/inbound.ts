import type { Bus } from "@stox/bus";
import { NoRespondersError, RequestTimeoutError } from "@stox/bus";
import {
  newEventId,
  nowIso,
  type XmlElement,
  type XmppStanzaKind,
  xmppInSubject,
  xmppStanzaKinds,
  xmppStanzaReceivedCodec,
  xmppStanzaReplyCodec,
} from "@stox/events";
import type { Logger } from "@stox/telemetry";
import { checkAddressing, type StreamPolicy } from "./addressing.js";
import type { EdgeMetrics } from "./edge-metrics.js";
import { bareJid } from "./jid.js";
import type { RateLimiter } from "./rate-limiter.js";
import { answerForSelf, type SelfAnswerOptions } from "./self-answers.js";
import { errorReply, isErrorReplyAllowed, type StanzaError, stanzaErrorFor } from "./stanza-errors.js";
import { normalizeInbound } from "./stanza-namespace.js";
import type { StreamErrorCondition } from "./xml/stream-errors.js";

/** The stream a stanza came in on, as the inbound pipeline sees it. */
export interface InboundStream {
  readonly policy: StreamPolicy;
  /** The authenticated peer domain for s2s; undefined for the component stream. */
  readonly peer?: string;
  /** The stream's default namespace (jabber:component:accept or jabber:server). */
  readonly namespace: string;
  /** Writes a stanza back on the same stream. */
  send(stanza: XmlElement): boolean;
  /** Closes the stream with a stream error. */
  fail(condition: StreamErrorCondition, text: string): void;
}

export interface InboundDeps {
  readonly bus: Bus;
  readonly logger: Logger;
  readonly metrics: EdgeMetrics;
  /** Per sender (bare JID). */
  readonly limiter: RateLimiter;
  /** Per stream peer (s2s peer domain, or the server of a component link). */
  readonly peerLimiter: RateLimiter;
  readonly self: SelfAnswerOptions;
  /** How long a mapper has to answer before the sender gets remote-server-timeout. */
  readonly requestTimeoutMs: number;
}

/**
 * The inbound pipeline for one stanza: addressing check, rate limit, the gateway's own answers, then a
 * request on `stox.v1.xmpp.in.<kind>`. Transport-level failures (no mapper, timeout, a refusal in the reply)
 * become the stanza error RFC 6120 §8.3 prescribes; the edge decides nothing about mapping.
 */
export async function handleInbound(stanza: XmlElement, stream: InboundStream, deps: InboundDeps): Promise<void> {
  const kind = stanza.name as XmppStanzaKind;
  if (!xmppStanzaKinds.includes(kind)) {
    deps.metrics.rejected.inc({ reason: "unsupported-element" });
    stream.fail("unsupported-stanza-type", `<${stanza.name}> is not a stanza`);
    return;
  }
  deps.metrics.received.inc({ kind, mode: stream.policy.mode });
  const verdict = checkAddressing(stanza, stream.policy);
  if (!verdict.ok) {
    deps.metrics.rejected.inc({ reason: verdict.reason });
    if (verdict.level === "stream") stream.fail(verdict.condition, verdict.reason);
    else if (verdict.level === "stanza") replyError(stanza, verdict.error, stream, deps);
    return;
  }
  const from = stanza.attrs.from as string;
  const peer = stream.peer ?? stream.policy.mode;
  // CORE-SEC-04 (c): rate-limit per peer and per sender.
  if (!deps.peerLimiter.take(peer) || !deps.limiter.take(`${peer}/${bareJid(from)}`)) {
    deps.metrics.rejected.inc({ reason: "rate-limited" });
    replyError(stanza, stanzaErrorFor("rate-limited", "rate limit exceeded"), stream, deps);
    return;
  }
  const own = answerForSelf(stanza, deps.self);
  if (own) {
    send(own, stream, deps);
    return;
  }
  await forwardToBus(kind, stanza, stream, deps);
}

async function forwardToBus(kind: XmppStanzaKind, stanza: XmlElement, stream: InboundStream, deps: InboundDeps) {
  const id = newEventId();
  const event = xmppStanzaReceivedCodec.encode({
    v: 1,
    id,
    at: nowIso(),
    stanza: normalizeInbound(stanza, stream.namespace),
    stream: stream.peer ? { mode: stream.policy.mode, peer: stream.peer } : { mode: stream.policy.mode },
  });
  let error: StanzaError | undefined;
  try {
    // The event id travels as a header too, so traces and logs can name it (libs/events README).
    const reply = await deps.bus.request(xmppInSubject(kind), event, {
      timeoutMs: deps.requestTimeoutMs,
      headers: { "stox-event-id": id },
    });
    const decoded = xmppStanzaReplyCodec.decode(reply.data);
    if (!decoded.ok) error = decoded.stanzaError ?? stanzaErrorFor(decoded.error.code, decoded.error.message);
  } catch (err) {
    error = transportError(err, deps);
  }
  if (error) replyError(stanza, error, stream, deps);
}

function transportError(err: unknown, deps: InboundDeps): StanzaError {
  // Nobody maps this kind: RFC 6120 §8.4 asks for service-unavailable for an iq in a namespace nobody here
  // understands (RFC 3920 said feature-not-implemented); the same condition serves messages and presence.
  // feature-not-implemented is kept for what is understood but not done (self-answers.ts, mapper replies).
  if (err instanceof NoRespondersError) return stanzaErrorFor("unavailable");
  if (err instanceof RequestTimeoutError) return stanzaErrorFor("timeout");
  deps.logger.warn({ err }, "xmpp.in request failed");
  return stanzaErrorFor("internal");
}

function replyError(stanza: XmlElement, error: StanzaError, stream: InboundStream, deps: InboundDeps): void {
  if (!isErrorReplyAllowed(stanza)) return;
  deps.metrics.errorsSent.inc({ condition: error.condition });
  send(errorReply(stanza, error), stream, deps);
}

function send(stanza: XmlElement, stream: InboundStream, deps: InboundDeps): void {
  if (stream.send(stanza)) deps.metrics.sent.inc({ kind: stanza.name, mode: stream.policy.mode });
}

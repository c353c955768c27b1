import type { Bus, BusMessage, Subscription } from "@stox/bus";
import {
  EventDecodeError,
  type GatewayErrorCode,
  newEventId,
  nowIso,
  type XmlElement,
  type XmppSendResult,
  xmppOutSubject,
  xmppSendResultCodec,
  xmppStanzaCommandCodec,
  xmppStanzaKinds,
} from "@stox/events";
import type { Logger } from "@stox/telemetry";
import type { EdgeMetrics } from "./edge-metrics.js";
import { splitJid } from "./jid.js";
import { normalizeOutbound } from "./stanza-namespace.js";

/** Whether a stream took a stanza. */
export type RouteOutcome =
  | { readonly ok: true; readonly mode: "component" | "s2s" }
  | { readonly ok: false; readonly code: GatewayErrorCode; readonly message: string };

/** Where outbound stanzas go: the component pool or the s2s pool. */
export interface StanzaRouter {
  route(stanza: XmlElement): Promise<RouteOutcome>;
}

export interface OutboundDeps {
  readonly bus: Bus;
  readonly logger: Logger;
  readonly metrics: EdgeMetrics;
  readonly router: StanzaRouter;
  /** Domains the edge may speak for: an outbound `from` must be in one of them. */
  readonly domains: readonly string[];
  /** Queue group; replicas of the edge share the commands. */
  readonly queue: string;
}

/** Consumes `stox.v1.xmpp.out.<kind>` and answers each command with an XmppSendResult. */
export function startOutbound(deps: OutboundDeps): { stop(): void } {
  const subscriptions: Subscription[] = xmppStanzaKinds.map((kind) =>
    deps.bus.subscribe(xmppOutSubject(kind), (msg) => handleCommand(kind, msg, deps), { queue: deps.queue }),
  );
  return {
    stop() {
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}

async function handleCommand(kind: string, msg: BusMessage, deps: OutboundDeps): Promise<void> {
  const result = await sendCommand(kind, msg, deps);
  if (!result.ok) deps.metrics.rejected.inc({ reason: `out-${result.error.code}` });
  if (msg.reply) deps.bus.respond(msg, xmppSendResultCodec.encode(result));
}

async function sendCommand(kind: string, msg: BusMessage, deps: OutboundDeps): Promise<XmppSendResult> {
  let stanza: XmlElement;
  try {
    stanza = normalizeOutbound(xmppStanzaCommandCodec.decode(msg.data).stanza);
  } catch (err) {
    if (!(err instanceof EventDecodeError)) throw err;
    return failure("bad-request", err.message);
  }
  if (stanza.name !== kind) return failure("bad-request", `<${stanza.name}> sent on ${xmppOutSubject(kind as "iq")}`);
  const from = stanza.attrs.from ? splitJid(stanza.attrs.from) : undefined;
  if (!from || !deps.domains.includes(from.domain)) {
    return failure("forbidden", "the edge only sends stanzas from its own domains");
  }
  if (!stanza.attrs.to || !splitJid(stanza.attrs.to)) return failure("bad-request", "stanza without a valid 'to'");
  const outcome = await deps.router.route(stanza);
  if (!outcome.ok) return failure(outcome.code, outcome.message);
  deps.metrics.sent.inc({ kind, mode: outcome.mode });
  return { v: 1, id: newEventId(), at: nowIso(), ok: true };
}

function failure(code: GatewayErrorCode, message: string): XmppSendResult {
  const isRetryable = code === "unavailable" || code === "timeout";
  return {
    v: 1,
    id: newEventId(),
    at: nowIso(),
    ok: false,
    error: { code, message: message.slice(0, 1024), isRetryable },
  };
}

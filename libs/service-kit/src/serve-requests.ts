import type { Bus, BusMessage, Subscription } from "@stox/bus";
import {
  type EventCodec,
  EventDecodeError,
  type GatewayError,
  type GatewayErrorCode,
  newEventId,
  nowIso,
} from "@stox/events";
import type { Logger, Metrics } from "@stox/telemetry";

/** A failure a handler throws on purpose; it becomes the `{ ok: false, error }` reply. */
export class GatewayFailure extends Error {
  override readonly name = "GatewayFailure";
  constructor(
    readonly failureCode: GatewayErrorCode,
    message: string,
    readonly isRetryable = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface ServeRequestsOptions<Req> {
  readonly bus: Bus;
  /** Subject or pattern, e.g. sipInSubject("message") or "stox.v1.xmpp.out.*". */
  readonly subject: string;
  /** Queue group: the service name. */
  readonly queue: string;
  readonly codec: EventCodec<Req>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Returns the reply payload (encoded by the caller's reply codec) for a valid request. */
  handle(request: Req, msg: BusMessage): Promise<Uint8Array>;
}

const encoder = new TextEncoder();

/** Encodes the `{ ok: false, error }` variant shared by every reply schema in @stox/events. */
export function failureReply(error: GatewayError): Uint8Array {
  return encoder.encode(JSON.stringify({ v: 1, id: newEventId(), at: nowIso(), ok: false, error }));
}

/**
 * Subscribes a request handler: decodes and validates each request, calls `handle`, and always replies.
 * An invalid event is logged, counted and answered `bad-request`; a thrown GatewayFailure becomes its reply;
 * any other error is answered `internal` and logged. Nothing crashes the process or leaves the sender waiting.
 */
export function serveRequests<Req>(options: ServeRequestsOptions<Req>): Subscription {
  const { bus, logger, metrics } = options;
  const handled = metrics.counter("requests_total", "Requests handled, by subject and outcome", ["subject", "outcome"]);
  const seconds = metrics.histogram("request_duration_seconds", "Time to answer a request", ["subject"]);
  const reply = (msg: BusMessage, data: Uint8Array) => {
    if (msg.reply) bus.respond(msg, data);
  };
  return bus.subscribe(
    options.subject,
    async (msg) => {
      const started = performance.now();
      let request: Req;
      try {
        request = options.codec.decode(msg.data);
      } catch (err) {
        const message = err instanceof EventDecodeError ? err.message : String(err);
        logger.warn({ subject: msg.subject, issues: (err as EventDecodeError).issues }, "invalid event rejected");
        handled.inc({ subject: options.subject, outcome: "invalid" });
        reply(msg, failureReply({ code: "bad-request", message: message.slice(0, 1024), isRetryable: false }));
        return;
      }
      try {
        reply(msg, await options.handle(request, msg));
        handled.inc({ subject: options.subject, outcome: "ok" });
      } catch (err) {
        if (err instanceof GatewayFailure) {
          handled.inc({ subject: options.subject, outcome: err.failureCode });
          reply(msg, failureReply({ code: err.failureCode, message: err.message, isRetryable: err.isRetryable }));
        } else {
          handled.inc({ subject: options.subject, outcome: "internal" });
          logger.error({ err, subject: msg.subject }, "request handler failed");
          reply(msg, failureReply({ code: "internal", message: "internal error", isRetryable: true }));
        }
      } finally {
        seconds.observe({ subject: options.subject }, (performance.now() - started) / 1000);
      }
    },
    { queue: options.queue },
  );
}

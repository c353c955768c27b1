import {
  type Context,
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { Bus, BusMessage, Headers, MessageHandler, PublishOptions, RequestOptions } from "./types.js";

export interface TracedBusOptions {
  readonly tracer: Tracer;
}

const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key.toLowerCase()] = value;
  },
};

const getter: TextMapGetter<Headers> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key.toLowerCase()],
};

/**
 * Wraps a bus so that trace context crosses it in message headers (W3C `traceparent` through the globally
 * registered propagator): publish and request open a producer span and inject it; each delivered message
 * opens a consumer span `process <subject>` whose parent is the sender's, and the handler runs inside it.
 * With no OpenTelemetry SDK registered, every span is a no-op and only headers already present pass on.
 */
export function tracedBus(bus: Bus, { tracer }: TracedBusOptions): Bus {
  function inject(spanContext: Context, headers: Headers | undefined): Record<string, string> {
    const carrier: Record<string, string> = { ...headers };
    propagation.inject(spanContext, carrier, setter);
    return carrier;
  }

  const system = bus.kind === "nats" ? "nats" : "stox-memory";

  function producerSpan(operation: "send" | "request", subject: string) {
    return tracer.startSpan(`${operation} ${subject}`, {
      kind: operation === "send" ? SpanKind.PRODUCER : SpanKind.CLIENT,
      attributes: { "messaging.system": system, "messaging.destination.name": subject },
    });
  }

  function wrap(subject: string, handler: MessageHandler): MessageHandler {
    const spanName = `process ${subject}`;
    return (msg: BusMessage) => {
      const parent = propagation.extract(context.active(), msg.headers, getter);
      const span = tracer.startSpan(
        spanName,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            "messaging.system": system,
            "messaging.destination.name": msg.subject,
            ...(msg.headers["stox-event-id"] ? { "stox.event_id": msg.headers["stox-event-id"] } : {}),
          },
        },
        parent,
      );
      // A span nobody records needs no status and no end: only its ids matter, for the handler's context.
      if (!span.isRecording()) return context.with(trace.setSpan(parent, span), handler, undefined, msg);
      const end = (err?: unknown) => {
        if (err !== undefined) {
          span.recordException(err instanceof Error ? err : String(err));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      };
      let result: void | Promise<void>;
      try {
        result = context.with(trace.setSpan(parent, span), handler, undefined, msg);
      } catch (err) {
        end(err);
        throw err;
      }
      if (result instanceof Promise) {
        return result.then(
          () => end(),
          (err: unknown) => {
            end(err);
            throw err;
          },
        );
      }
      end();
    };
  }

  return {
    kind: bus.kind,
    get maxPayloadBytes() {
      return bus.maxPayloadBytes;
    },
    publish(subject: string, data: Uint8Array, options: PublishOptions = {}) {
      const span = producerSpan("send", subject);
      try {
        bus.publish(subject, data, {
          ...options,
          headers: inject(trace.setSpan(context.active(), span), options.headers),
        });
      } finally {
        span.end();
      }
    },
    subscribe(subject, handler, options) {
      return bus.subscribe(subject, wrap(subject, handler), options);
    },
    request(subject: string, data: Uint8Array, options: RequestOptions) {
      const span = producerSpan("request", subject);
      const headers = inject(trace.setSpan(context.active(), span), options.headers);
      if (!span.isRecording()) return bus.request(subject, data, { ...options, headers });
      return bus.request(subject, data, { ...options, headers }).then(
        (reply) => {
          span.end();
          return reply;
        },
        (err: unknown) => {
          span.recordException(err instanceof Error ? err : String(err));
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          throw err;
        },
      );
    },
    respond(to, data, options = {}) {
      bus.respond(to, data, { headers: inject(context.active(), options.headers) });
    },
    kv: (bucket, options) => bus.kv(bucket, options),
    isConnected: () => bus.isConnected(),
    drain: () => bus.drain(),
  };
}

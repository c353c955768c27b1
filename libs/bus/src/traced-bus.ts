import {
  type Context,
  context,
  isSpanContextValid,
  propagation,
  type SpanContext,
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

/**
 * What a tracer whose spans are never recorded (the telemetry lib's IdOnlyTracer) offers besides `Tracer`:
 * the span context a new span would get. With it, and the W3C propagator registered, tracedBus writes and
 * parses `traceparent` itself instead of going through startSpan, the propagator and their carrier objects.
 */
export interface IdOnlySpanContexts {
  /** A child of a valid `parent` (same trace id, flags and trace state, new span id), else a new root. */
  idOnlySpanContext(parent: SpanContext | undefined): SpanContext;
}

function idOnly(tracer: Tracer): IdOnlySpanContexts | undefined {
  const candidate = tracer as Tracer & Partial<IdOnlySpanContexts>;
  return typeof candidate.idOnlySpanContext === "function" ? (candidate as IdOnlySpanContexts) : undefined;
}

/** True when the global propagator writes exactly W3C Trace Context (what startTracing registers). */
function w3cPropagatorRegistered(): boolean {
  const fields = propagation.fields();
  return fields.length === 2 && fields[0] === "traceparent" && fields[1] === "tracestate";
}

// @opentelemetry/core's suppressTracing key (createContextKey is Symbol.for): the propagator writes nothing
// under it, so neither does the fast path.
const SUPPRESS_TRACING_KEY = Symbol.for("OpenTelemetry SDK Context Key SUPPRESS_TRACING");

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

function hexValue(c: number): number {
  return c <= 57 ? c - 48 : c - 87;
}

/** Lower-case hex of `length` characters from `start`, not all zeros. */
function isNonZeroHex(s: string, start: number, length: number): boolean {
  let nonZero = false;
  for (let i = start; i < start + length; i++) {
    const c = s.charCodeAt(i);
    if (!isHex(c)) return false;
    if (c !== 48) nonZero = true;
  }
  return nonZero;
}

const WHITESPACE = /^\s$/;
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/**
 * Parses `traceparent` exactly as @opentelemetry/core 2.x's W3CTraceContextPropagator does (its regex
 * `^\s?(?!ff)[\da-f]{2}-(?!0{32})[\da-f]{32}-(?!0{16})[\da-f]{16}-[\da-f]{2}(-.*)?\s?$`, then version 00
 * with a suffix rejected), by hand: one optional leading whitespace, lower-case hex only, no all-zero ids,
 * version ff invalid, a later version may carry `-anything` (no line break but a final one), and an optional
 * trailing whitespace. Returns the remote parent span context, or undefined when the propagator would ignore
 * the header. A differential test holds the two to the same answers.
 */
export function parseTraceparent(value: string): SpanContext | undefined {
  const first = value.charCodeAt(0);
  const i = isHex(first) ? 0 : WHITESPACE.test(value.charAt(0)) ? 1 : -1;
  if (i < 0 || value.length < i + 55) return undefined;
  const v0 = value.charCodeAt(i);
  const v1 = value.charCodeAt(i + 1);
  if (!isHex(v0) || !isHex(v1) || (v0 === 102 && v1 === 102)) return undefined;
  if (value.charCodeAt(i + 2) !== 45 || value.charCodeAt(i + 35) !== 45 || value.charCodeAt(i + 52) !== 45) {
    return undefined;
  }
  if (!isNonZeroHex(value, i + 3, 32) || !isNonZeroHex(value, i + 36, 16)) return undefined;
  const f0 = value.charCodeAt(i + 53);
  const f1 = value.charCodeAt(i + 54);
  if (!isHex(f0) || !isHex(f1)) return undefined;
  const end = i + 55;
  if (value.length > end) {
    const rest = value.slice(end);
    if (rest.charCodeAt(0) === 45) {
      // A suffix `-.*`: version 00 has none; `.` stops at a line terminator, which may only be the last char.
      if (v0 === 48 && v1 === 48) return undefined;
      const lineBreak = rest.search(LINE_TERMINATOR);
      if (lineBreak !== -1 && lineBreak !== rest.length - 1) return undefined;
    } else if (rest.length !== 1 || !WHITESPACE.test(rest)) {
      return undefined;
    }
  }
  return {
    traceId: value.slice(i + 3, i + 35),
    spanId: value.slice(i + 36, i + 52),
    traceFlags: hexValue(f0) * 16 + hexValue(f1),
    isRemote: true,
  };
}

/** The `traceparent` value W3CTraceContextPropagator.inject writes for a span context, byte for byte. */
export function formatTraceparent(spanContext: SpanContext): string {
  const flags = spanContext.traceFlags;
  // The propagator writes "0" + hex: "01" and "00" for the only flags in use (and three digits above 0x0f).
  const f = flags === 1 ? "01" : flags === 0 ? "00" : `0${Number(flags || 0).toString(16)}`;
  return `00-${spanContext.traceId}-${spanContext.spanId}-${f}`;
}

/** `headers` plus the trace context of `spanContext`, as `propagation.inject` with the W3C propagator adds it. */
function withTraceContext(headers: Headers | undefined, spanContext: SpanContext): Headers {
  const traceparent = formatTraceparent(spanContext);
  const traceState = spanContext.traceState;
  if (headers === undefined) {
    return traceState ? { traceparent, tracestate: traceState.serialize() } : { traceparent };
  }
  const out: Record<string, string> = { ...headers };
  out.traceparent = traceparent;
  if (traceState) out.tracestate = traceState.serialize();
  return out;
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
 *
 * A tracer that never records (IdOnlySpanContexts) with the W3C propagator registered when the bus is wrapped
 * takes a fast path with the same headers and the same active span contexts: no span objects beyond the one
 * the handler runs in, no propagator, no header copy when there were no headers.
 */
export function tracedBus(bus: Bus, { tracer }: TracedBusOptions): Bus {
  const fast = idOnly(tracer);
  if (fast !== undefined && w3cPropagatorRegistered()) return idOnlyTracedBus(bus, fast);
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

/** tracedBus for a tracer whose spans are never recorded: only span ids, written and read by hand. */
function idOnlyTracedBus(bus: Bus, tracer: IdOnlySpanContexts): Bus {
  function newHeaders(headers: Headers | undefined): Headers {
    const active = context.active();
    // The propagator injects nothing when tracing is suppressed (the old path still copied the headers).
    if (active.getValue(SUPPRESS_TRACING_KEY) === true) return headers === undefined ? {} : { ...headers };
    return withTraceContext(headers, tracer.idOnlySpanContext(trace.getSpanContext(active)));
  }

  function wrap(handler: MessageHandler): MessageHandler {
    return (msg: BusMessage) => {
      const active = context.active();
      let parent: SpanContext | undefined;
      const traceparent = msg.headers.traceparent;
      if (traceparent) {
        // A trace state needs the propagator's TraceState (parsed lazily, validated): rare, so let it build one.
        parent = msg.headers.tracestate
          ? trace.getSpanContext(propagation.extract(active, msg.headers, getter))
          : (parseTraceparent(traceparent) ?? trace.getSpanContext(active));
      } else {
        parent = trace.getSpanContext(active);
      }
      const span = trace.wrapSpanContext(tracer.idOnlySpanContext(parent));
      return context.with(trace.setSpan(active, span), handler, undefined, msg);
    };
  }

  return {
    kind: bus.kind,
    get maxPayloadBytes() {
      return bus.maxPayloadBytes;
    },
    publish(subject: string, data: Uint8Array, options: PublishOptions = {}) {
      bus.publish(subject, data, { ...options, headers: newHeaders(options.headers) });
    },
    subscribe(subject, handler, options) {
      return bus.subscribe(subject, wrap(handler), options);
    },
    request(subject: string, data: Uint8Array, options: RequestOptions) {
      return bus.request(subject, data, { ...options, headers: newHeaders(options.headers) });
    },
    respond(to, data, options = {}) {
      // The handler's own span, as propagation.inject(context.active()) would write it.
      const active = context.active();
      const spanContext = trace.getSpanContext(active);
      const headers =
        spanContext === undefined || active.getValue(SUPPRESS_TRACING_KEY) === true || !isSpanContextValid(spanContext)
          ? { ...options.headers }
          : withTraceContext(options.headers, spanContext);
      bus.respond(to, data, { headers });
    },
    kv: (bucket, options) => bus.kv(bucket, options),
    isConnected: () => bus.isConnected(),
    drain: () => bus.drain(),
  };
}

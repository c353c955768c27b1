import { randomFillSync } from "node:crypto";
import {
  type Context,
  context,
  isSpanContextValid,
  type Span,
  type SpanContext,
  type SpanOptions,
  TraceFlags,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";

// Random bytes are drawn in blocks: one system call per ~170 spans instead of one per span.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString("hex", poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/** 16 bytes, never all zero (W3C Trace Context §3.2.2.3). */
function newTraceId(): string {
  const id = randomHex(16);
  return id === "00000000000000000000000000000000" ? newTraceId() : id;
}

/** 8 bytes, never all zero (W3C Trace Context §3.2.2.4). */
function newSpanId(): string {
  const id = randomHex(8);
  return id === "0000000000000000" ? newSpanId() : id;
}

/**
 * A tracer for processes that export no spans: every span gets real W3C ids (a child keeps its parent's
 * trace id and flags, a root gets a new trace id, sampled with `sampleRatio`), so trace ids still reach logs
 * and cross the bus in `traceparent`, but nothing is recorded: `isRecording()` is false and attributes,
 * events and `end()` cost nothing. The SDK's recording spans cost several microseconds each for no reader.
 */
export class IdOnlyTracer implements Tracer {
  readonly #sampleRatio: number;

  constructor(sampleRatio: number) {
    this.#sampleRatio = sampleRatio;
  }

  startSpan(_name: string, options?: SpanOptions, ctx: Context = context.active()): Span {
    return trace.wrapSpanContext(this.idOnlySpanContext(options?.root ? undefined : trace.getSpanContext(ctx)));
  }

  /**
   * The span context a span started under `parent` gets: a child of a valid parent (same trace id, flags and
   * trace state, new span id), else a new root. Its presence tells `tracedBus` (libs/bus) that spans from this
   * tracer are never recorded, so it may skip `startSpan` and the propagator and write `traceparent` itself.
   */
  idOnlySpanContext(parent: SpanContext | undefined): SpanContext {
    if (parent !== undefined && isSpanContextValid(parent)) {
      return parent.traceState === undefined
        ? { traceId: parent.traceId, spanId: newSpanId(), traceFlags: parent.traceFlags }
        : {
            traceId: parent.traceId,
            spanId: newSpanId(),
            traceFlags: parent.traceFlags,
            traceState: parent.traceState,
          };
    }
    return {
      traceId: newTraceId(),
      spanId: newSpanId(),
      traceFlags: Math.random() < this.#sampleRatio ? TraceFlags.SAMPLED : TraceFlags.NONE,
    };
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    a: F | SpanOptions,
    b?: F | Context,
    c?: F,
  ): ReturnType<F> {
    const fn = (typeof a === "function" ? a : typeof b === "function" ? b : c) as F;
    const options = typeof a === "function" ? undefined : a;
    const parentCtx = typeof b === "function" || b === undefined ? context.active() : b;
    const span = this.startSpan(name, options, parentCtx);
    return context.with(trace.setSpan(parentCtx, span), fn as (s: Span) => ReturnType<F>, undefined, span);
  }
}

/** Hands out one IdOnlyTracer for every name. */
export class IdOnlyTracerProvider implements TracerProvider {
  readonly #tracer: IdOnlyTracer;

  constructor(sampleRatio: number) {
    this.#tracer = new IdOnlyTracer(sampleRatio);
  }

  getTracer(): Tracer {
    return this.#tracer;
  }
}

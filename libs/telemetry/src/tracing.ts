import { context, propagation, type Tracer, type TracerProvider, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import { IdOnlyTracerProvider } from "./id-only-tracer.js";

export interface TracingConfig {
  readonly service: string;
  /**
   * "none": spans get ids (trace ids in logs, context on the bus) but are neither recorded nor exported,
   * unless `spanProcessors` are given (then they are recorded for those).
   */
  readonly exporter: "none" | "otlp" | "console";
  /** OTLP/HTTP traces endpoint, e.g. http://otel-collector:4318/v1/traces. */
  readonly otlpEndpoint?: string;
  /** Fraction of new traces sampled (parent decision wins for continued ones). */
  readonly sampleRatio?: number;
  /** Extra processors (tests use an in-memory exporter). */
  readonly spanProcessors?: readonly SpanProcessor[];
  /**
   * Register the AsyncLocalStorage context manager, so the active span follows async work (default true).
   * Without it `context.active()` is always the root context: spans started in a handler have no parent.
   */
  readonly asyncContext?: boolean;
}

export interface Tracing {
  readonly tracer: Tracer;
  shutdown(): Promise<void>;
}

let registered: { readonly provider: TracerProvider; shutdown(): Promise<void> } | undefined;

/**
 * Registers the process-wide OpenTelemetry tracer provider, context manager and W3C propagator. Call once per
 * process (the all-in-one gateway calls it once for every service it hosts); later calls return the first.
 */
export function startTracing(config: TracingConfig): Tracing {
  if (!registered) {
    const processors: SpanProcessor[] = [...(config.spanProcessors ?? [])];
    if (config.exporter === "otlp") {
      processors.push(
        new BatchSpanProcessor(new OTLPTraceExporter(config.otlpEndpoint ? { url: config.otlpEndpoint } : {})),
      );
    } else if (config.exporter === "console") {
      processors.push(new BatchSpanProcessor(new ConsoleSpanExporter()));
    }
    const sampleRatio = config.sampleRatio ?? 1;
    if (processors.length === 0) {
      // Nobody reads spans: give them ids only (IdOnlyTracer), not the SDK's recording machinery.
      registered = { provider: new IdOnlyTracerProvider(sampleRatio), shutdown: () => Promise.resolve() };
    } else {
      const sdk = new BasicTracerProvider({
        resource: resourceFromAttributes({ "service.name": config.service }),
        sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampleRatio) }),
        spanProcessors: processors,
      });
      registered = { provider: sdk, shutdown: () => sdk.shutdown() };
    }
    if (config.asyncContext !== false) {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    }
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(registered.provider);
  }
  const provider = registered;
  return {
    // The provider's own tracer, not the API's proxy: one indirection less per span.
    tracer: provider.provider.getTracer(`stox/${config.service}`),
    shutdown: () => provider.shutdown(),
  };
}

/** The trace id of the active span, if any: for logs and the demo. */
export function currentTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}

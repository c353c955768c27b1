import { trace } from "@opentelemetry/api";
import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";

export type { Logger } from "pino";

export interface LoggerConfig {
  readonly service: string;
  /** pino level: trace, debug, info, warn, error, fatal, silent. */
  readonly level?: string;
  /** Where JSON lines go; stdout by default. */
  readonly destination?: DestinationStream;
}

/**
 * JSON lines on stdout, one object per event, with `service` and, inside a traced operation, `trace_id` and
 * `span_id`, so a log line can be found from a trace and back.
 */
export function createLogger(config: LoggerConfig): Logger {
  const options: LoggerOptions = {
    level: config.level ?? "info",
    base: { service: config.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  };
  return config.destination ? pino(options, config.destination) : pino(options);
}

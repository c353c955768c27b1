export { createLogger, type Logger, type LoggerConfig } from "./logger.js";
export { createMetrics, LATENCY_BUCKETS_SECONDS, type Metrics, type MetricsConfig, Registry } from "./metrics.js";
export { currentTraceId, startTracing, type Tracing, type TracingConfig } from "./tracing.js";

import {
  ConfigError,
  type Env,
  readEnum,
  readInt,
  readOptionalString,
  readPort,
  readSecretFile,
  readString,
} from "./config.js";

export interface HostConfig {
  /** Where the bus is: "memory" (one process, the embedded default) or "nats". */
  readonly bus: "memory" | "nats";
  readonly natsUrl: string;
  readonly natsUser: string | undefined;
  readonly natsPassword: string | undefined;
  readonly natsToken: string | undefined;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly logLevel: string;
  readonly tracesExporter: "none" | "otlp" | "console";
  /**
   * "on": trace context crosses the bus (traceparent headers) and follows async work (AsyncLocalStorage), so
   * logs carry trace ids. "off" skips both: on Node 20 the AsyncLocalStorage promise hooks and the per-hop
   * span bookkeeping were about a fifth of the gateway's CPU per chat message. Needs OTEL_TRACES_EXPORTER=none.
   */
  readonly traceContext: "on" | "off";
  readonly otlpTracesEndpoint: string | undefined;
  readonly drainTimeoutMs: number;
}

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

export function loadHostConfig(env: Env): HostConfig {
  const natsUrl = readOptionalString(env, "NATS_URL");
  return Object.freeze({
    // NATS when NATS_URL is set, unless STOX_BUS says otherwise.
    bus: readEnum(env, "STOX_BUS", ["memory", "nats"] as const, natsUrl ? "nats" : "memory"),
    natsUrl: natsUrl ?? "nats://127.0.0.1:4222",
    natsUser: readOptionalString(env, "NATS_USER"),
    natsPassword: readSecretFile(env, "NATS_PASSWORD_FILE"),
    natsToken: readSecretFile(env, "NATS_TOKEN_FILE"),
    // Health, readiness and metrics. 127.0.0.1 by default; the Helm chart sets 0.0.0.0.
    httpHost: readString(env, "STOX_HTTP_HOST", "127.0.0.1"),
    httpPort: readPort(env, "STOX_HTTP_PORT", 9464),
    logLevel: readEnum(env, "LOG_LEVEL", LEVELS, "info"),
    tracesExporter: readEnum(env, "OTEL_TRACES_EXPORTER", ["none", "otlp", "console"] as const, "none"),
    otlpTracesEndpoint: readOptionalString(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
    traceContext: readTraceContext(env),
    // How long SIGTERM waits for in-flight work before exiting anyway.
    drainTimeoutMs: readInt(env, "STOX_DRAIN_TIMEOUT_MS", 15_000, { min: 0 }),
  });
}

function readTraceContext(env: Env): "on" | "off" {
  const value = readEnum(env, "STOX_TRACE_CONTEXT", ["on", "off"] as const, "on");
  if (value === "off" && readOptionalString(env, "OTEL_TRACES_EXPORTER") !== undefined) {
    const exporter = readEnum(env, "OTEL_TRACES_EXPORTER", ["none", "otlp", "console"] as const, "none");
    if (exporter !== "none") {
      throw new ConfigError(
        "STOX_TRACE_CONTEXT",
        `"off" exports no spans: set OTEL_TRACES_EXPORTER=none or turn it on`,
      );
    }
  }
  return value;
}

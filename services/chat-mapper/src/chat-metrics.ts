import type { Metrics } from "@stox/telemetry";

/** The mapper's own counters (besides serveRequests' requests_total). */
export interface ChatMetrics {
  /** stox_chat_mapper_s2x_total{outcome}: SIP MESSAGEs by what became of them. */
  readonly s2x: { inc(labels: { outcome: string }): void };
  /** stox_chat_mapper_x2s_total{outcome}: XMPP messages by what became of them. */
  readonly x2s: { inc(labels: { outcome: string }): void };
  /** stox_chat_mapper_late_errors_total{outcome}: XMPP errors after the 2xx (IM-S2X-15). */
  readonly lateErrors: { inc(labels: { outcome: string }): void };
}

export function createChatMetrics(metrics: Metrics): ChatMetrics {
  return {
    s2x: metrics.counter("s2x_total", "SIP MESSAGEs handled, by outcome", ["outcome"]),
    x2s: metrics.counter("x2s_total", "XMPP messages handled, by outcome", ["outcome"]),
    lateErrors: metrics.counter("late_errors_total", "XMPP errors for stanzas already answered 2xx", ["outcome"]),
  };
}

import type { Metrics } from "@stox/telemetry";

type Counter = ReturnType<Metrics["counter"]>;
type Gauge = ReturnType<Metrics["gauge"]>;

/** The edge's counters (`stox_xmpp_edge_*`). */
export interface EdgeMetrics {
  readonly received: Counter;
  readonly sent: Counter;
  readonly rejected: Counter;
  readonly errorsSent: Counter;
  readonly streamsUp: Gauge;
}

export function createEdgeMetrics(metrics: Metrics): EdgeMetrics {
  return {
    received: metrics.counter("stanzas_received_total", "Stanzas received from XMPP streams", ["kind", "mode"]),
    sent: metrics.counter("stanzas_sent_total", "Stanzas written to XMPP streams", ["kind", "mode"]),
    rejected: metrics.counter("stanzas_rejected_total", "Stanzas refused by the edge itself", ["reason"]),
    errorsSent: metrics.counter("stanza_errors_sent_total", "Stanza errors the edge returned", ["condition"]),
    streamsUp: metrics.gauge("streams_up", "XMPP streams currently established", ["mode"]),
  };
}

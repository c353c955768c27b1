import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface Metrics {
  readonly registry: Registry;
  /** `stox_<service>_<name>`, e.g. counter("messages_mapped_total", ...) in chat-mapper. */
  counter<L extends string = string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  gauge<L extends string = string>(name: string, help: string, labelNames?: readonly L[]): Gauge<L>;
  histogram<L extends string = string>(
    name: string,
    help: string,
    labelNames?: readonly L[],
    buckets?: readonly number[],
  ): Histogram<L>;
  /** Prometheus text exposition. */
  render(): Promise<string>;
}

export interface MetricsConfig {
  /** Prefix source: "sip-edge" gives metric names stox_sip_edge_... */
  readonly service: string;
  /** Process metrics (CPU, memory, event loop lag). Once per process. */
  readonly collectDefault?: boolean;
  /** Share one registry among services running in one process. */
  readonly registry?: Registry;
}

/** Latency buckets in seconds, from 0.25 ms to 10 s. */
export const LATENCY_BUCKETS_SECONDS = [
  0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
];

export function createMetrics(config: MetricsConfig): Metrics {
  const registry = config.registry ?? new Registry();
  if (config.collectDefault) collectDefaultMetrics({ register: registry, prefix: "stox_" });
  const prefix = `stox_${config.service.replaceAll("-", "_")}_`;
  const existing = <T>(name: string): T | undefined => registry.getSingleMetric(prefix + name) as T | undefined;
  return {
    registry,
    counter: (name, help, labelNames = []) =>
      existing(name) ?? new Counter({ name: prefix + name, help, labelNames, registers: [registry] }),
    gauge: (name, help, labelNames = []) =>
      existing(name) ?? new Gauge({ name: prefix + name, help, labelNames, registers: [registry] }),
    histogram: (name, help, labelNames = [], buckets = LATENCY_BUCKETS_SECONDS) =>
      existing(name) ??
      new Histogram({ name: prefix + name, help, labelNames, buckets: [...buckets], registers: [registry] }),
    render: () => registry.metrics(),
  };
}

export { Registry } from "prom-client";

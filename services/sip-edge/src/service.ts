import { defineService } from "@stox/service-kit";
import type { Metrics } from "@stox/telemetry";
import { loadConfig, type SipEdgeConfig } from "./config.js";
import { SipEdge } from "./edge.js";
import type { EdgeObserver } from "./edge-context.js";

/** Prometheus counters behind the edge's observer hooks (names stox_sip_edge_*). */
function metricsObserver(metrics: Metrics): EdgeObserver {
  const received = metrics.counter("requests_received_total", "SIP requests received", ["method", "transport"]);
  const finals = metrics.counter("final_responses_total", "Final responses sent to received requests", [
    "method",
    "status",
  ]);
  const mapper = metrics.counter("mapper_failures_total", "Requests a mapper did not answer", ["reason"]);
  const refused = metrics.counter("stateless_refusals_total", "Requests refused before a transaction", ["status"]);
  return {
    requestReceived: (method, transport) => received.inc({ method, transport }),
    finalSent: (status, method) => finals.inc({ method, status: String(status) }),
    mapperFailed: (reason) => mapper.inc({ reason }),
    refusedStateless: (status) => refused.inc({ status: String(status) }),
  };
}

/** The sip-edge service for the gateway host: config from SIP_EDGE_* variables, sockets on start. */
export const sipEdgeService = defineService<SipEdgeConfig>({
  name: "sip-edge",
  loadConfig,
  async start({ config, bus, logger, metrics }) {
    const errors = metrics.counter("errors_total", "Problems with no caller to report to", ["where"]);
    const edge = await SipEdge.start({
      config,
      bus,
      observer: metricsObserver(metrics),
      onError: (error, context) => {
        errors.inc({ where: String(context.where ?? "unknown") });
        logger.warn({ err: error, ...context }, "sip-edge: handled error");
      },
    });
    logger.info(
      { transports: config.transports.map((t) => `${t.protocol}:${edge.address(t.protocol)?.port}`) },
      "sip-edge listening",
    );
    return { isReady: () => bus.isConnected(), stop: () => edge.stop() };
  },
});

import { defineService } from "@stox/service-kit";
import { startBusHandlers } from "./bus-handlers.js";
import { loadConfig, type MsrpEdgeConfig } from "./config.js";
import { MsrpEdge } from "./edge.js";

/** The msrp-edge service for the gateway host: config from MSRP_EDGE_* variables, listeners on start. */
export const msrpEdgeService = defineService<MsrpEdgeConfig>({
  name: "msrp-edge",
  loadConfig,
  async start({ config, bus, logger, metrics }) {
    const errors = metrics.counter("errors_total", "Problems with no caller to report to", ["where"]);
    const responses = metrics.counter("responses_total", "MSRP transaction responses written", ["status"]);
    const delivered = metrics.counter("messages_delivered_total", "Complete messages handed to mappers", ["status"]);
    const closed = metrics.counter("connections_closed_total", "MSRP connections ended", ["cause"]);
    const edge = await MsrpEdge.start({
      config,
      bus,
      observer: {
        responded: (status) => responses.inc({ status: String(status) }),
        delivered: (status) => delivered.inc({ status: String(status) }),
        connectionClosed: (isGarbage) => closed.inc({ cause: isGarbage ? "garbage" : "closed" }),
      },
      onError: (error, context) => {
        errors.inc({ where: String(context.where ?? "unknown") });
        logger.warn({ err: error, ...context }, "msrp-edge: handled error");
      },
    });
    const sessions = metrics.gauge("sessions", "Live MSRP sessions");
    const connections = metrics.gauge("connections", "Open MSRP connections");
    const subscriptions = startBusHandlers(edge, logger, metrics);
    const gauges = setInterval(() => {
      sessions.set(edge.sessions.size);
      connections.set(edge.connectionCount);
    }, 5000);
    gauges.unref();
    logger.info(
      {
        instanceId: config.instanceId,
        tcpPort: edge.localPort(false),
        tlsPort: edge.hasTls ? edge.localPort(true) : undefined,
      },
      "msrp-edge listening",
    );
    return {
      isReady: () => bus.isConnected(),
      async stop() {
        clearInterval(gauges);
        for (const s of subscriptions) s.unsubscribe();
        await edge.stop();
      },
    };
  },
});

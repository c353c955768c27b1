import { defineService } from "@stox/service-kit";
import { loadConfig, type SipEdgeConfig } from "./config.js";
import { SipEdge } from "./edge.js";

/** The sip-edge service for the gateway host: config from SIP_EDGE_* variables, sockets on start. */
export const sipEdgeService = defineService<SipEdgeConfig>({
  name: "sip-edge",
  loadConfig,
  async start({ config, bus, logger, metrics }) {
    const errors = metrics.counter("errors_total", "Problems with no caller to report to", ["where"]);
    const edge = await SipEdge.start({
      config,
      bus,
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

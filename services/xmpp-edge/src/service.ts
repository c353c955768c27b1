import { defineService } from "@stox/service-kit";
import { loadConfig, type XmppEdgeConfig } from "./config.js";
import { startXmppEdge } from "./edge.js";

/** The XMPP edge as a gateway service (register it with the gateway host). */
export const xmppEdgeService = defineService<XmppEdgeConfig>({
  name: "xmpp-edge",
  loadConfig,
  async start({ config, bus, logger, metrics }) {
    const edge = await startXmppEdge({ config, bus, logger, metrics });
    return { isReady: () => edge.isReady(), stop: () => edge.stop() };
  },
});

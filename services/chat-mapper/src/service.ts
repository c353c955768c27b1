import { defineService } from "@stox/service-kit";
import { loadConfig } from "./config.js";
import { startHandlers } from "./handlers.js";

/** The chat-mapper service: pager-mode IM between SIP and XMPP (RFC 7572). */
export const chatMapperService = defineService({
  name: "chat-mapper",
  loadConfig,
  async start({ config, bus, logger, metrics }) {
    const handlers = await startHandlers({ bus, config, logger, metrics });
    return {
      isReady: () => bus.isConnected(),
      async stop() {
        handlers.stop();
      },
    };
  },
});

import { defineService } from "@stox/service-kit";
import { loadConfig } from "./config.js";
import { SERVICE_NAME, startPresenceMapper } from "./presence-mapper.js";

/** The presence-mapper as a service the gateway host runs (RFC 8048 presence both ways). */
export const presenceMapperService = defineService({
  name: SERVICE_NAME,
  loadConfig,
  start: ({ config, bus, logger, metrics }) => startPresenceMapper({ bus, logger, metrics, config }),
});

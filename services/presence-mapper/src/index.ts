export { type Clock, systemClock } from "./clock.js";
export { loadConfig, type PresenceMapperConfig } from "./config.js";
export { PidfParseError, SubscriptionConflictError } from "./errors.js";
export { parsePidf } from "./pidf/parse-pidf.js";
export * from "./pidf/pidf-model.js";
export { pidfToPresences, presenceToPidf } from "./pidf/presence-pidf.js";
export { pidfPriorityToXmpp, xmppPriorityToPidf } from "./pidf/priority.js";
export { serializePidf } from "./pidf/serialize-pidf.js";
export { resourceToTupleId, tupleIdToResource } from "./pidf/tuple-id.js";
export {
  type PresenceMapper,
  type PresenceMapperOptions,
  SERVICE_NAME,
  startPresenceMapper,
} from "./presence-mapper.js";
export { presenceMapperService } from "./service.js";
export { DEFAULT_MACHINE_CONFIG, type MachineConfig } from "./state/types.js";
export { type PresenceInfo, presenceStanza, readPresenceInfo } from "./xmpp-presence.js";

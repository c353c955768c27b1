export { PidfParseError, SubscriptionConflictError } from "./errors.js";
export { parsePidf } from "./pidf/parse-pidf.js";
export * from "./pidf/pidf-model.js";
export { pidfToPresences, presenceToPidf } from "./pidf/presence-pidf.js";
export { pidfPriorityToXmpp, xmppPriorityToPidf } from "./pidf/priority.js";
export { serializePidf } from "./pidf/serialize-pidf.js";
export { resourceToTupleId, tupleIdToResource } from "./pidf/tuple-id.js";

export { MSRP_EDGE_QUEUE, startBusHandlers } from "./bus-handlers.js";
export { loadConfig, type MsrpEdgeConfig } from "./config.js";
export { type ConnectionEvents, MsrpConnection } from "./connection.js";
export { MsrpEdge, type MsrpEdgeOptions } from "./edge.js";
export type { CloseReason, EdgeErrorListener, EdgeObserver } from "./edge-context.js";
export { MsrpCommandFailure, MsrpConnectError, MsrpSessionNotFoundError } from "./errors.js";
export { bareMediaType, isAcceptedType } from "./media-types.js";
export { type SdpAttributeInput, sdpAttributes } from "./sdp-attributes.js";
export { msrpEdgeService } from "./service.js";
export { MsrpSession, type RemoteEndpoint } from "./session.js";
export { type OpenRequest, type OpenResult, openSession, updateSession } from "./session-control.js";
export {
  decideAfterAnswer,
  decideAnswerSetup,
  decideOfferSetup,
  type SetupDecision,
  type SetupValue,
} from "./setup-role.js";
export { errorForMsrpStatus, msrpStatusForError } from "./status-map.js";

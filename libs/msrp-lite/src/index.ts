export { formatByteRange, parseByteRange } from "./byte-range.js";
export {
  type CpimAddress,
  type CpimHeader,
  type CpimMessage,
  type CpimWrapInput,
  unwrapCpim,
  wrapCpim,
} from "./cpim.js";
export { type EndLineSearch, endLinePrefix, findEndLine, formatEndLine } from "./end-line.js";
export {
  CpimParseError,
  MsrpMessageTooLargeError,
  MsrpParseError,
  MsrpReassemblyError,
  type MsrpRequestContext,
  MsrpSerializeError,
  MsrpTransactionError,
} from "./errors.js";
export { type MsrpFrame, MsrpFramer, type MsrpFramerOptions } from "./framer.js";
export { isIdent, newMessageId, newSessionId, newTransactionId } from "./ident.js";
export {
  chunkMessage,
  MAX_UNINTERRUPTIBLE_CHUNK_BYTES,
  OutgoingMessage,
  type OutgoingMessageOptions,
  type StreamingChunk,
} from "./outgoing-message.js";
export { parseMsrpMessage } from "./parse.js";
export {
  MessageReassembler,
  type MessageReassemblerOptions,
  type ReassembledMessage,
  type ReassemblyResult,
} from "./reassembler.js";
export {
  answerSend,
  buildFailureReport,
  buildSuccessReport,
  type ReportOptions,
  receivedRange,
  type SendReplies,
} from "./reports.js";
export { buildErrorResponse, buildResponse, type ResponseOptions, respondTo, shouldRespond } from "./responses.js";
export { serializeMsrpHead, serializeMsrpMessage } from "./serialize.js";
export { KNOWN_METHODS, MSRP_STATUS_TEXT } from "./status-codes.js";
export {
  type TimerApi,
  type TransactionOutcome,
  TransactionTracker,
  type TransactionTrackerOptions,
} from "./transactions.js";
export type * from "./types.js";
export { formatMsrpUri, msrpUriEquals, msrpUriKey, newLocalMsrpUri, parseMsrpUri } from "./uri.js";
export { formatUseNickname, parseUseNickname } from "./use-nickname.js";

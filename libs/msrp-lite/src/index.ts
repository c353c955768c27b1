export { formatByteRange, parseByteRange } from "./byte-range.js";
export { endLinePrefix, findEndLine, formatEndLine } from "./end-line.js";
export {
  CpimParseError,
  MsrpMessageTooLargeError,
  MsrpParseError,
  MsrpReassemblyError,
  type MsrpRequestContext,
  MsrpSerializeError,
} from "./errors.js";
export { type MsrpFrame, MsrpFramer, type MsrpFramerOptions } from "./framer.js";
export { isIdent, newMessageId, newSessionId, newTransactionId } from "./ident.js";
export { parseMsrpMessage } from "./parse.js";
export { serializeMsrpHead, serializeMsrpMessage } from "./serialize.js";
export type * from "./types.js";
export { formatMsrpUri, msrpUriEquals, msrpUriKey, newLocalMsrpUri, parseMsrpUri } from "./uri.js";
export { formatUseNickname, parseUseNickname } from "./use-nickname.js";

export type { HeaderInput, RequestInit, ResponseInit } from "./build.js";
export { createErrorResponse, createRequest, createResponse, generateBranch, generateTag } from "./build.js";
export type { SipErrorContext, SipParseErrorOptions } from "./errors.js";
export { SipParseError } from "./errors.js";
export type { FramerEvent, FramerOptions } from "./framer.js";
export { SipStreamFramer } from "./framer.js";
export type { SipHeader } from "./header-fields.js";
export { canonicalHeaderName, headerKey } from "./header-names.js";
export type { MediaType } from "./media-type.js";
export { parseMediaType } from "./media-type.js";
export { SipMessage } from "./message.js";
export type { BodyPart } from "./multipart.js";
export { bodyParts, parseMultipart } from "./multipart.js";
export type { NameAddr } from "./name-addr.js";
export { formatNameAddr, parseNameAddr, parseNameAddrList } from "./name-addr.js";
export type { SipParam } from "./params.js";
export { findParam, formatParams, paramValue, parseGenericParams } from "./params.js";
export type { ParseOptions, SipMessageUnion } from "./parse-message.js";
export { parseSipMessage } from "./parse-message.js";
export { quote, unquote } from "./quoted-string.js";
export { REASON_PHRASES } from "./reason-phrases.js";
export { SipRequest } from "./request.js";
export { SipResponse } from "./response.js";
export type { CSeq } from "./scalars.js";
export {
  checkCallId,
  parseCSeq,
  parseDeltaSeconds,
  parseMaxForwards,
  parseSipDate,
  parseTokenList,
} from "./scalars.js";
export { formatHead, serializeSipMessage } from "./serialize.js";
export type { AbsoluteUri, SipUri, TelUri, Uri } from "./uri.js";
export { escapeUriPart, isSipUri, isTelUri, parseUri, unescapeUriPart } from "./uri.js";
export { uriEquals } from "./uri-compare.js";
export { KNOWN_METHODS, validateMessage } from "./validate.js";
export type { Via } from "./via.js";
export { isRfc3261Branch, parseViaList } from "./via.js";

export { type EventCodec, EventDecodeError, defineCodec, newEventId, nowIso } from "./codec.js";
export {
  type Address,
  addressSchema,
  envelope,
  type GatewayError,
  type GatewayErrorCode,
  gatewayErrorCodes,
  gatewayErrorSchema,
} from "./common.js";
export { fromKvKey, toKvKey } from "./kv-key.js";
export {
  SIP_IN_ALL,
  SIP_OUT_REQUEST,
  type SipInMethod,
  type SipRequestCommand,
  type SipRequestReceived,
  type SipResponseCommand,
  type SipResponseReceived,
  sipInMethods,
  sipInSubject,
  sipRequestCommandCodec,
  sipRequestCommandSchema,
  sipRequestReceived,
  sipRequestReceivedCodec,
  sipRequestReceivedSchema,
  sipResponseCommandCodec,
  sipResponseCommandSchema,
  sipResponseReceivedCodec,
  sipResponseReceivedSchema,
} from "./sip.js";
export {
  type XmlElement,
  type XmppSendResult,
  type XmppStanzaCommand,
  type XmppStanzaKind,
  type XmppStanzaReceived,
  type XmppStanzaReply,
  xmlElementSchema,
  xmppInSubject,
  xmppOutSubject,
  xmppSendResultCodec,
  xmppStanzaCommandCodec,
  xmppStanzaKinds,
  xmppStanzaReceivedCodec,
  xmppStanzaReplyCodec,
} from "./xmpp.js";
export { type CatalogueEntry, catalogue } from "./catalogue.js";

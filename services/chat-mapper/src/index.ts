export { type ChatMapperConfig, loadConfig } from "./config.js";
export { CHAT_MAPPER_QUEUE, type ChatHandlers, type StartHandlersOptions, startHandlers } from "./handlers.js";
export { chatMapperService } from "./service.js";
export { mapSipMessage, type S2XDecision, type S2XOptions } from "./sip-to-xmpp.js";
export { mapXmppMessage, type OutgoingMessage, type X2SDecision, type X2SOptions } from "./xmpp-to-sip.js";

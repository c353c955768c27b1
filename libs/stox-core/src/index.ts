export type { AddressUri, ImPresUri, SipUri, TelUri, UriHeader, UriParam } from "./address-uri.js";
export { uriParam } from "./address-uri.js";
export { domainsEqual, isIpLiteral, toJidDomain, toSipHost } from "./domain.js";
export { createDomainPolicy, type DomainPolicy, type DomainPolicyConfig, type DomainRole } from "./domain-policy.js";
export { errorReplyHead, mayReplyWithError, type Received, type StanzaHead } from "./error-reply.js";
export {
  AddressMappingError,
  DomainError,
  DomainPolicyConfigError,
  ErrorMappingError,
  JidError,
  type JidPart,
  PrecisError,
  type UnmappableReason,
  UriParseError,
} from "./errors.js";
export {
  type GatewaySipResponse,
  type S2XFailure,
  s2xFailureToSipResponse,
  type X2SFailure,
  x2sFailureToXmppError,
} from "./gateway-failures.js";
export {
  bareJid,
  createJid,
  enforceLocalpart,
  enforceResourcepart,
  formatJid,
  isFullJid,
  type Jid,
  jidEquals,
  parseJid,
} from "./jid.js";
export { escapeLocalpart, isCanonicallyEscaped, unescapeLocalpart } from "./jid-escaping.js";
export { chooseUriScheme, type JidToUriOptions, jidToUri } from "./jid-to-uri.js";
export { createLoopGuard, type LoopGuard } from "./loop-guard.js";
export { isMixedScript } from "./mixed-script.js";
export { enforceOpaqueString, enforceUsernameCaseMapped } from "./precis/profiles.js";
export { decideForeignProtocol, type ForeignDomainFacts } from "./route-decision.js";
export { checkS2SStanza, type S2SCheck } from "./s2s-check.js";
export { admitSipRequest, type SipRequestFacts, type SipRequestVerdict } from "./s2x-admission.js";
export { jidKey, sipAorKey } from "./sip-aor-key.js";
export { defaultReasonPhrase, sanitizeReasonPhrase } from "./sip-reason-phrases.js";
export { type SipResponseInput, sipResponseToXmppError, sipStatusCondition } from "./sip-to-xmpp-error.js";
export { formatAddressUri, parseAddressUri, parseSipUri } from "./sip-uri.js";
export {
  createStanzaError,
  DEFAULT_ERROR_TYPE,
  isStanzaErrorCondition,
  STANZA_ERROR_CONDITIONS,
  STANZAS_NS,
  type StanzaError,
  type StanzaErrorCondition,
  type StanzaErrorType,
} from "./stanza-error.js";
export { type SipAddressRole, sipResponseForUnmappable, stanzaErrorForUnmappable } from "./unmappable-response.js";
export { mapUriToJid, type UriToJidOptions, type UriToJidResult, uriToJid } from "./uri-to-jid.js";
export { admitStanza, type StanzaFacts, type StanzaVerdict } from "./x2s-admission.js";
export { formatXmppIri, parseXmppIri } from "./xmpp-iri.js";
export { type SipErrorResponse, type XmppErrorInput, xmppErrorToSip } from "./xmpp-to-sip-error.js";

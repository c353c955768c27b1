export type { AddressUri, ImPresUri, SipUri, TelUri, UriHeader, UriParam } from "./address-uri.js";
export { uriParam } from "./address-uri.js";
export { domainsEqual, isIpLiteral, toJidDomain, toSipHost } from "./domain.js";
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
export { type JidToUriOptions, jidToUri } from "./jid-to-uri.js";
export { enforceOpaqueString, enforceUsernameCaseMapped } from "./precis/profiles.js";
export { formatAddressUri, parseAddressUri, parseSipUri } from "./sip-uri.js";
export { mapUriToJid, type UriToJidOptions, type UriToJidResult, uriToJid } from "./uri-to-jid.js";

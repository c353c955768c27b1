/** Which part of a JID failed validation. */
export type JidPart = "localpart" | "domainpart" | "resourcepart" | "jid";

/** A string is not a valid JID under RFC 7622 (with the PRECIS profiles of RFC 8265). */
export class JidError extends Error {
  override readonly name = "JidError";
  readonly code = "STOX_JID_INVALID";
  constructor(
    message: string,
    readonly part: JidPart,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A string is not a SIP, SIPS, tel, im or pres URI this package can read. */
export class UriParseError extends Error {
  override readonly name = "UriParseError";
  readonly code = "STOX_URI_PARSE";
  constructor(
    message: string,
    readonly offset: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A PRECIS profile (RFC 8264/8265) rejected a string. */
export class PrecisError extends Error {
  override readonly name = "PrecisError";
  readonly code = "STOX_PRECIS";
  constructor(
    message: string,
    readonly profile: "UsernameCaseMapped" | "OpaqueString",
    /** Code point that was refused, when one was. */
    readonly codePoint?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A domain name cannot be turned into a JID domainpart or a SIP host (IDNA / LDH rules). */
export class DomainError extends Error {
  override readonly name = "DomainError";
  readonly code = "STOX_DOMAIN_INVALID";
  constructor(
    message: string,
    readonly domain: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Why an address could not be mapped to the other protocol. */
export type UnmappableReason =
  | "unsupported-scheme" // not sip/sips/im/pres (e.g. http:)
  | "tel-uri" // CORE-URI-03: tel: has no domain
  | "sips-refused" // CORE-SEC-02 / CORE-URI-04
  | "no-user" // sip:host without a user part
  | "bad-utf8" // CORE-ADDR-12 / CORE-URI-07
  | "invalid-localpart" // PRECIS / RFC 7622 refused the result
  | "invalid-domain" // IDNA / LDH refused the host
  | "ip-literal" // CORE-DOM-05
  | "invalid-uri"; // the URI itself did not parse

/**
 * An address cannot be mapped between SIP and XMPP. Never accompanied by a half-mapped address.
 * Edges turn it into a response with {@link sipStatusForUnmappable} / `jid-malformed` (CORE-URI-07).
 */
export class AddressMappingError extends Error {
  override readonly name = "AddressMappingError";
  readonly code = "STOX_ADDRESS_UNMAPPABLE";
  constructor(
    message: string,
    readonly reason: UnmappableReason,
    readonly input: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A status or condition that RFC 7247 §7 does not map (1xx/2xx, unknown condition). */
export class ErrorMappingError extends Error {
  override readonly name = "ErrorMappingError";
  readonly code = "STOX_ERROR_UNMAPPABLE";
}

/** The domain policy configuration is inconsistent; the message says what to fix. */
export class DomainPolicyConfigError extends Error {
  override readonly name = "DomainPolicyConfigError";
  readonly code = "STOX_DOMAIN_POLICY_CONFIG";
}

import { domainToASCII, domainToUnicode } from "node:url";
import { DomainError } from "./errors.js";

/**
 * Domain handling for both sides (CORE-DOM-02..05).
 *
 * IDNA uses Node's built-in `domainToASCII` / `domainToUnicode` (ICU UTS #46, non-transitional, so
 * `ß` stays `ß` as IDNA2008 wants). UTS #46 alone accepts `_` and other non-LDH ASCII, so the A-label
 * form is additionally held to the LDH rule (RFC 1034 / RFC 5890 §2.3.1) and to the length limits.
 */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_REFERENCE = /^\[[0-9a-fA-F:.]+\]$/;
const LDH_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** True for `192.0.2.7` and `[2001:db8::1]` (CORE-DOM-05). */
export function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || IPV6_REFERENCE.test(host);
}

function stripTrailingDot(domain: string): string {
  return domain.endsWith(".") ? domain.slice(0, -1) : domain;
}

function toCheckedAscii(input: string): string {
  const domain = stripTrailingDot(input);
  if (domain.length === 0) throw new DomainError("the domain is empty", input);
  const ascii = domainToASCII(domain);
  if (ascii === "") throw new DomainError(`"${input}" is not a valid IDNA domain name`, input);
  if (ascii.length > 253) throw new DomainError(`"${input}" is longer than 253 octets in A-label form`, input);
  for (const label of ascii.split(".")) {
    if (!LDH_LABEL.test(label)) throw new DomainError(`label "${label}" of "${input}" is not a valid LDH label`, input);
    if (label.startsWith("xn--") && domainToUnicode(label) === label) {
      throw new DomainError(`label "${label}" of "${input}" is not a valid A-label`, input);
    }
  }
  return ascii;
}

/**
 * A host or domain as a SIP URI host: A-labels, lowercase, no trailing dot (CORE-DOM-03, CORE-DOM-04).
 * IP literals are kept as they are (lowercased).
 */
export function toSipHost(domain: string): string {
  const d = stripTrailingDot(domain);
  if (isIpLiteral(d)) return d.toLowerCase();
  return toCheckedAscii(domain);
}

/**
 * A host or domain as a JID domainpart: U-labels, lowercase, no trailing dot
 * (CORE-DOM-02, CORE-DOM-04; RFC 7622 §3.2). IP literals are kept (RFC 7622 §3.2.1 allows them).
 */
export function toJidDomain(domain: string): string {
  const d = stripTrailingDot(domain);
  if (isIpLiteral(d)) return d.toLowerCase();
  const unicode = domainToUnicode(toCheckedAscii(domain));
  if (Buffer.byteLength(unicode, "utf8") > 1023)
    throw new DomainError("the domainpart is longer than 1023 octets", domain);
  return unicode;
}

/** Compares two domains after IDNA mapping, lowercasing and trailing-dot removal (CORE-DOM-04). */
export function domainsEqual(a: string, b: string): boolean {
  try {
    return toSipHost(a) === toSipHost(b);
  } catch {
    return false;
  }
}

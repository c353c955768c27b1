import { domainToASCII, domainToUnicode } from "node:url";
import { createBoundedMemo, memoized } from "./bounded-memo.js";
import { DomainError } from "./errors.js";
import { satisfiesBidiRule } from "./precis/bidi-rule.js";
import { contextRuleHolds } from "./precis/context-rules.js";
import { classAllows, derivedProperty } from "./precis/derived-property.js";

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
    if (label.startsWith("xn--")) checkULabel(label, input);
  }
  return ascii;
}

// IDNA2008 (RFC 5891 §5.4, RFC 5892, RFC 5893) on top of UTS #46: UTS #46 still lets through code points that
// IDNA2008 disallows, such as symbols (U+2603 SNOWMAN). After mapping, a U-label's non-ASCII code points must be
// PVALID, or CONTEXTJ/CONTEXTO with their rule satisfied; for these the IDNA2008 and PRECIS IdentifierClass
// derivations agree. RTL labels must satisfy the Bidi Rule.
function checkULabel(aLabel: string, input: string): void {
  const uLabel = domainToUnicode(aLabel);
  if (uLabel === aLabel || uLabel === "")
    throw new DomainError(`label "${aLabel}" of "${input}" is not a valid A-label`, input);
  const cps = Array.from(uLabel, (ch) => ch.codePointAt(0) ?? 0);
  cps.forEach((cp, index) => {
    if (cp < 0x80) return;
    const verdict = classAllows(derivedProperty(cp), "IdentifierClass");
    if (verdict === "yes" || (verdict === "context" && contextRuleHolds(cps, index))) return;
    const hex = cp.toString(16).toUpperCase().padStart(4, "0");
    throw new DomainError(`label "${uLabel}" of "${input}" contains U+${hex}, which IDNA2008 does not allow`, input);
  });
  if (!satisfiesBidiRule(cps)) throw new DomainError(`label "${uLabel}" of "${input}" breaks the Bidi Rule`, input);
}

/**
 * A host or domain as a SIP URI host: A-labels, lowercase, no trailing dot (CORE-DOM-03, CORE-DOM-04).
 * IP literals are kept as they are (lowercased).
 */
export function toSipHost(domain: string): string {
  return memoized(sipHosts, domain, toSipHostUncached);
}

// Issue #8: domains recur on every message (roleOf, staticRoute, both mapping directions). Keys are inputs up to
// 256 characters; longer ones are computed every time (a valid domain has at most 253 octets in A-label form).
const MEMO_LIMITS = { maxEntries: 8192, maxKeyLength: 256 };
const sipHosts = createBoundedMemo<string>(MEMO_LIMITS);
const jidDomains = createBoundedMemo<string>(MEMO_LIMITS);

function toSipHostUncached(domain: string): string {
  const d = stripTrailingDot(domain);
  if (isIpLiteral(d)) return d.toLowerCase();
  return toCheckedAscii(domain);
}

/**
 * A host or domain as a JID domainpart: U-labels, lowercase, no trailing dot
 * (CORE-DOM-02, CORE-DOM-04; RFC 7622 §3.2). IP literals are kept (RFC 7622 §3.2.1 allows them).
 */
export function toJidDomain(domain: string): string {
  return memoized(jidDomains, domain, toJidDomainUncached);
}

function toJidDomainUncached(domain: string): string {
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

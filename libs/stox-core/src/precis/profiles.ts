import { PrecisError } from "../errors.js";
import { satisfiesBidiRule } from "./bidi-rule.js";
import { contextRuleHolds } from "./context-rules.js";
import { classAllows, derivedProperty, type StringClass } from "./derived-property.js";

type ProfileName = "UsernameCaseMapped" | "OpaqueString";

function codePoints(s: string): number[] {
  return Array.from(s, (ch) => ch.codePointAt(0) ?? 0);
}

// RFC 8265 §3.3.1 width mapping: fullwidth and halfwidth forms map to their decomposition.
// Those are the <wide>/<narrow> compatibility decompositions: U+3000 and the U+FF00–U+FFEF block.
function mapWidth(s: string): string {
  return s.replace(/[\u3000\uff00-\uffef]/gu, (ch) => ch.normalize("NFKC"));
}

// RFC 8265 §4.2.1 additional mapping: non-ASCII space (Zs) becomes U+0020.
function mapNonAsciiSpace(s: string): string {
  return s.replace(/(?![ ])\p{gc=Zs}/gu, " ");
}

function assertClass(s: string, stringClass: StringClass, profile: ProfileName): void {
  if (s.length === 0) throw new PrecisError(`${profile}: the string is empty`, profile);
  const cps = codePoints(s);
  cps.forEach((cp, index) => {
    const verdict = classAllows(derivedProperty(cp), stringClass);
    const hex = cp.toString(16).toUpperCase().padStart(4, "0");
    if (verdict === "no") {
      throw new PrecisError(`${profile}: U+${hex} is not allowed by the ${stringClass}`, profile, cp);
    }
    if (verdict === "context" && !contextRuleHolds(cps, index)) {
      throw new PrecisError(`${profile}: U+${hex} is not allowed in this context (RFC 5892 App. A)`, profile, cp);
    }
  });
}

/**
 * Enforces the PRECIS UsernameCaseMapped profile (RFC 8265 §3.3–3.4): width mapping, lowercase,
 * NFC, the Bidi Rule, then the IdentifierClass. Used for XMPP localparts (RFC 7622 §3.3).
 */
export function enforceUsernameCaseMapped(input: string): string {
  if (ASCII_IDENTIFIER.test(input)) return input.toLowerCase();
  return enforceUsernameCaseMappedFully(input);
}

// Issue #8 fast paths. For these ASCII strings the profiles reduce to lowercasing (UsernameCaseMapped) or to
// nothing (OpaqueString): width mapping, non-ASCII space mapping and NFC leave ASCII alone, every printable
// ASCII character is PVALID (RFC 8264 §9.11 ASCII7; in FreeformClass space too), no context rule applies to
// ASCII, and without R, AL or AN characters the Bidi Rule holds. test/precis-fast-path.test.ts compares both
// paths over these character sets.
const ASCII_IDENTIFIER = /^[A-Za-z0-9._+-]+$/;
const ASCII_FREEFORM = /^[\x20-\x7e]+$/;
const ASCII = /^[^\u0080-\uffff]*$/;

/** Internal: UsernameCaseMapped without the ASCII fast path (for the tests that compare the two). */
export function enforceUsernameCaseMappedFully(input: string): string {
  const profile = "UsernameCaseMapped";
  const mapped = mapUsernameCaseMappedFully(input);
  assertClass(mapped, "IdentifierClass", profile);
  if (!satisfiesBidiRule(codePoints(mapped))) {
    throw new PrecisError(`${profile}: the string breaks the Bidi Rule (RFC 5893)`, profile);
  }
  return mapped;
}

/**
 * Applies only the mapping steps of UsernameCaseMapped (width, case, NFC), without validation.
 * The S2X folds case on the unescaped local part before escaping (see `uri-to-jid.ts`).
 */
export function mapUsernameCaseMapped(input: string): string {
  if (ASCII.test(input)) return input.toLowerCase();
  return mapUsernameCaseMappedFully(input);
}

/** Internal: the mapping steps of UsernameCaseMapped without the ASCII fast path. */
export function mapUsernameCaseMappedFully(input: string): string {
  return mapWidth(input).toLowerCase().normalize("NFC");
}

/**
 * Enforces the PRECIS OpaqueString profile (RFC 8265 §4.2): non-ASCII spaces to U+0020, NFC, then
 * the FreeformClass. Used for XMPP resourceparts (RFC 7622 §3.4). Case is preserved.
 */
export function enforceOpaqueString(input: string): string {
  if (ASCII_FREEFORM.test(input)) return input;
  return enforceOpaqueStringFully(input);
}

/** Internal: OpaqueString without the ASCII fast path (for the tests that compare the two). */
export function enforceOpaqueStringFully(input: string): string {
  const mapped = mapNonAsciiSpace(input).normalize("NFC");
  assertClass(mapped, "FreeformClass", "OpaqueString");
  return mapped;
}

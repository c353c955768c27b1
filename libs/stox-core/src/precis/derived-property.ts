/**
 * PRECIS derived property of a code point, RFC 8264 §8 (algorithm) and §9 (categories).
 *
 * Computed from the Unicode data built into the runtime (ICU, via RegExp property escapes and
 * `String.prototype.normalize`), so it follows the runtime's Unicode version. Node 20 exposes
 * General_Category, Script and the binary properties, which is all §9 needs except
 * Hangul_Syllable_Type, whose three jamo blocks are listed below.
 */
export type DerivedProperty = "PVALID" | "CONTEXTJ" | "CONTEXTO" | "DISALLOWED" | "ID_DIS" | "FREE_PVAL" | "UNASSIGNED";

export type StringClass = "IdentifierClass" | "FreeformClass";

// RFC 5892 §2.6 exceptions (category F), reused by RFC 8264 §9.6.
const EXCEPTION_PVALID = new Set([0x00df, 0x03c2, 0x06fd, 0x06fe, 0x0f0b, 0x3007]);
const EXCEPTION_CONTEXTO = new Set([0x00b7, 0x0375, 0x05f3, 0x05f4, 0x30fb]);
const EXCEPTION_DISALLOWED = new Set([0x0640, 0x07fa, 0x302e, 0x302f, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303b]);

function exceptionOf(cp: number): DerivedProperty | undefined {
  if (EXCEPTION_PVALID.has(cp)) return "PVALID";
  if (EXCEPTION_CONTEXTO.has(cp)) return "CONTEXTO";
  // ARABIC-INDIC and EXTENDED ARABIC-INDIC digits are CONTEXTO exceptions too.
  if ((cp >= 0x0660 && cp <= 0x0669) || (cp >= 0x06f0 && cp <= 0x06f9)) return "CONTEXTO";
  if (EXCEPTION_DISALLOWED.has(cp)) return "DISALLOWED";
  return undefined;
}

const UNASSIGNED = /^\p{gc=Cn}$/u;
const NONCHARACTER = /^\p{Noncharacter_Code_Point}$/u;
const IGNORABLE = /^[\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}]$/u;
const CONTROL = /^\p{gc=Cc}$/u;
const LETTER_DIGITS = /^[\p{gc=Ll}\p{gc=Lu}\p{gc=Lo}\p{gc=Nd}\p{gc=Lm}\p{gc=Mn}\p{gc=Mc}]$/u;
const OTHER_LETTER_DIGITS = /^[\p{gc=Lt}\p{gc=Nl}\p{gc=No}\p{gc=Me}]$/u;
const SPACES = /^\p{gc=Zs}$/u;
const SYMBOLS = /^[\p{gc=Sm}\p{gc=Sc}\p{gc=Sk}\p{gc=So}]$/u;
const PUNCTUATION = /^\p{P}$/u;

// RFC 8264 §9.9: Hangul_Syllable_Type L, V or T (conjoining jamo blocks).
function isOldHangulJamo(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0xa960 && cp <= 0xa97c) || (cp >= 0xd7b0 && cp <= 0xd7fb);
}

// Results for non-ASCII code points, computed on first use (bounded: at most one entry per code point seen).
const memo = new Map<number, DerivedProperty>();
const MEMO_LIMIT = 65_536;

/** RFC 8264 §8: the derived property of one code point. */
export function derivedProperty(cp: number): DerivedProperty {
  // ASCII7 (§9.11) comes before every category that could claim U+0021..U+007E, so short-cut it.
  if (cp >= 0x21 && cp <= 0x7e) return "PVALID";
  const known = memo.get(cp);
  if (known !== undefined) return known;
  const property = computeDerivedProperty(cp);
  if (memo.size < MEMO_LIMIT) memo.set(cp, property);
  return property;
}

function computeDerivedProperty(cp: number): DerivedProperty {
  const exception = exceptionOf(cp);
  if (exception !== undefined) return exception;
  // BackwardCompatible (§9.7) is empty.
  const ch = String.fromCodePoint(cp);
  if (UNASSIGNED.test(ch) && !NONCHARACTER.test(ch)) return "UNASSIGNED";
  if (cp >= 0x21 && cp <= 0x7e) return "PVALID";
  if (cp === 0x200c || cp === 0x200d) return "CONTEXTJ";
  if (isOldHangulJamo(cp)) return "DISALLOWED";
  if (IGNORABLE.test(ch)) return "DISALLOWED";
  if (CONTROL.test(ch)) return "DISALLOWED";
  if (ch.normalize("NFKC") !== ch) return "ID_DIS";
  if (LETTER_DIGITS.test(ch)) return "PVALID";
  if (OTHER_LETTER_DIGITS.test(ch) || SPACES.test(ch) || SYMBOLS.test(ch) || PUNCTUATION.test(ch)) return "ID_DIS";
  return "DISALLOWED";
}

/**
 * Whether a code point is allowed by a string class, ignoring context. "ID_DIS" means disallowed in
 * IdentifierClass and valid in FreeformClass (RFC 8264 §8: "ID_DIS or FREE_PVAL").
 */
export function classAllows(property: DerivedProperty, stringClass: StringClass): "yes" | "no" | "context" {
  switch (property) {
    case "PVALID":
      return "yes";
    case "ID_DIS":
    case "FREE_PVAL":
      return stringClass === "FreeformClass" ? "yes" : "no";
    case "CONTEXTJ":
    case "CONTEXTO":
      return "context";
    default:
      return "no";
  }
}

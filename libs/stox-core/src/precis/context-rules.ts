/**
 * Contextual rules for CONTEXTO / CONTEXTJ code points, RFC 5892 Appendix A (used by RFC 8264 §9.4/§9.6).
 *
 * CONTEXTJ (ZWNJ, ZWJ) needs Canonical_Combining_Class=Virama and Joining_Type, which the runtime's
 * RegExp does not expose; they are accepted only after a code point from the Virama list below, which
 * covers the A.1/A.2 "Virama" branch. The A.1 joining-type branch is not implemented, so such strings
 * are refused (conservative: the address is rejected rather than half-checked).
 */
const GREEK = /^\p{Script=Greek}$/u;
const HEBREW = /^\p{Script=Hebrew}$/u;
const KANA_OR_HAN = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;

// Code points with Canonical_Combining_Class = 9 (Virama) in the BMP Indic scripts.
const VIRAMAS = new Set([
  0x094d, 0x09cd, 0x0a4d, 0x0acd, 0x0b4d, 0x0bcd, 0x0c4d, 0x0ccd, 0x0d3b, 0x0d3c, 0x0d4d, 0x0dca, 0x0e3a, 0x0eba,
  0x0f84, 0x1039, 0x103a, 0x1714, 0x1715, 0x1734, 0x17d2, 0x1a60, 0x1b44, 0x1baa, 0x1bab, 0x1bf2, 0x1bf3, 0x2d7f,
  0xa806, 0xa82c, 0xa8c4, 0xa953, 0xa9c0, 0xaaf6, 0xabed,
]);

function charAt(cps: readonly number[], i: number): string {
  const cp = cps[i];
  return cp === undefined ? "" : String.fromCodePoint(cp);
}

/** True when the code point at `index` satisfies its RFC 5892 Appendix A rule. */
export function contextRuleHolds(cps: readonly number[], index: number): boolean {
  const cp = cps[index];
  switch (cp) {
    case 0x200c: // A.1 ZERO WIDTH NON-JOINER
    case 0x200d: // A.2 ZERO WIDTH JOINER
      return VIRAMAS.has(cps[index - 1] ?? -1);
    case 0x00b7: // A.3 MIDDLE DOT: between two 'l'
      return cps[index - 1] === 0x6c && cps[index + 1] === 0x6c;
    case 0x0375: // A.4 GREEK LOWER NUMERAL SIGN: followed by Greek
      return GREEK.test(charAt(cps, index + 1));
    case 0x05f3: // A.5 HEBREW PUNCTUATION GERESH
    case 0x05f4: // A.6 HEBREW PUNCTUATION GERSHAYIM: preceded by Hebrew
      return HEBREW.test(charAt(cps, index - 1));
    case 0x30fb: // A.9 KATAKANA MIDDLE DOT: some Hiragana, Katakana or Han in the string
      return cps.some((c) => c !== 0x30fb && KANA_OR_HAN.test(String.fromCodePoint(c)));
    default:
      break;
  }
  if (cp !== undefined && cp >= 0x0660 && cp <= 0x0669) {
    // A.7 ARABIC-INDIC DIGITS: no EXTENDED ARABIC-INDIC digit in the string
    return !cps.some((c) => c >= 0x06f0 && c <= 0x06f9);
  }
  if (cp !== undefined && cp >= 0x06f0 && cp <= 0x06f9) {
    // A.8 EXTENDED ARABIC-INDIC DIGITS: no ARABIC-INDIC digit in the string
    return !cps.some((c) => c >= 0x0660 && c <= 0x0669);
  }
  return false;
}

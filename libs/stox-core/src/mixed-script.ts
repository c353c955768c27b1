/**
 * CORE-SEC-09: a simple mixed-script test in the spirit of UTS #39 ("single script" restriction level).
 * Letters of the Common and Inherited scripts (digits, punctuation, combining marks) are neutral; Han may mix
 * with Hiragana/Katakana (Japanese) and with Hangul (Korean). Letters of scripts not listed count as "other".
 */
const SCRIPTS: readonly (readonly [string, RegExp])[] = [
  ["Latin", /\p{Script=Latin}/u],
  ["Greek", /\p{Script=Greek}/u],
  ["Cyrillic", /\p{Script=Cyrillic}/u],
  ["Armenian", /\p{Script=Armenian}/u],
  ["Georgian", /\p{Script=Georgian}/u],
  ["Hebrew", /\p{Script=Hebrew}/u],
  ["Arabic", /\p{Script=Arabic}/u],
  ["Devanagari", /\p{Script=Devanagari}/u],
  ["Thai", /\p{Script=Thai}/u],
  ["Han", /\p{Script=Han}/u],
  ["Kana", /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ["Hangul", /\p{Script=Hangul}/u],
];

function scriptOf(ch: string): string | undefined {
  if (!/\p{L}/u.test(ch)) return undefined;
  for (const [name, re] of SCRIPTS) if (re.test(ch)) return name;
  return "other";
}

/** True when the string's letters come from more than one script (allowing Han+Kana and Han+Hangul). */
export function isMixedScript(s: string): boolean {
  const seen = new Set<string>();
  for (const ch of s) {
    const script = scriptOf(ch);
    if (script !== undefined) seen.add(script);
  }
  if (seen.has("Han")) {
    seen.delete("Han");
    if (seen.size === 1 && (seen.has("Kana") || seen.has("Hangul"))) return false;
    if (seen.size === 0) return false;
    seen.add("Han");
  }
  return seen.size > 1;
}

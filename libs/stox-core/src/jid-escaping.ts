/**
 * XEP-0106 (JID Escaping) for localparts. Escape sequences are a backslash and two lowercase hex digits;
 * only the ten sequences below are recognised, anything else (`\41`, `\2F`, a lone `\`) stays literal.
 */
const ESCAPES: ReadonlyMap<string, string> = new Map([
  [" ", "\\20"],
  ['"', "\\22"],
  ["&", "\\26"],
  ["'", "\\27"],
  ["/", "\\2f"],
  [":", "\\3a"],
  ["<", "\\3c"],
  [">", "\\3e"],
  ["@", "\\40"],
  ["\\", "\\5c"],
]);

const UNESCAPES: ReadonlyMap<string, string> = new Map([...ESCAPES].map(([ch, seq]) => [seq, ch]));

const SEQUENCE = /\\(20|22|26|27|2f|3a|3c|3e|40|5c)/g;

/** True when `s` has an XEP-0106 escape sequence starting at `index`. */
function startsEscape(s: string, index: number): boolean {
  return UNESCAPES.has(s.slice(index, index + 3));
}

/**
 * Escapes a raw local part into JID form (XEP-0106 §4.2; CORE-ADDR-03, -13, -14). A backslash is escaped
 * only when it would otherwise be read as the start of an escape sequence.
 */
export function escapeLocalpart(raw: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch === "\\") out += startsEscape(raw, i) ? "\\5c" : "\\";
    else out += ESCAPES.get(ch) ?? ch;
  }
  return out;
}

/** Unescapes the ten XEP-0106 sequences of a JID localpart (CORE-ADDR-22, -23). */
export function unescapeLocalpart(escaped: string): string {
  return escaped.replace(SEQUENCE, (seq) => UNESCAPES.get(seq) ?? seq);
}

/**
 * True when `localpart` is the escaped form of something, i.e. escaping its unescaped form gives it back.
 * JIDs outside this set (e.g. `a\5cb`) still map to SIP, but come back in canonical form.
 */
export function isCanonicallyEscaped(localpart: string): boolean {
  return escapeLocalpart(unescapeLocalpart(localpart)) === localpart;
}

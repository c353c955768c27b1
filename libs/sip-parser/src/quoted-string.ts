import { syntaxError } from "./errors.js";

/**
 * Index just after the closing quote of the quoted-string opening at `i`, read from mirrored codes
 * (see mirror.ts), RFC 3261 §25.1:
 * qdtext is LWS, %x21, %x23-5B, %x5D-7E or non-ASCII; quoted-pair is "\" + %x00-09 / %x0B-0C / %x0E-7F.
 */
export function scanQuotedString(cc: Uint16Array, i: number, end: number): number {
  let j = i + 1;
  while (j < end) {
    const c = cc[j] as number;
    if (c === 34) return j + 1;
    if (c === 92) {
      const n = j + 1 < end ? (cc[j + 1] as number) : -1;
      if (j + 1 >= end || n === 10 || n === 13 || n > 0x7f) throw syntaxError("bad quoted-pair", j);
      j += 2;
      continue;
    }
    if ((c < 0x20 && c !== 9) || c === 0x7f) throw syntaxError("control character in quoted-string", j);
    j++;
  }
  throw syntaxError("unterminated quoted-string", i);
}

/** The text of a quoted-string without its quotes and with quoted-pairs resolved. */
export function unquote(raw: string): string {
  if (raw.length < 2 || raw.charCodeAt(0) !== 34) return raw;
  const inner = raw.slice(1, -1);
  if (inner.indexOf("\\") < 0) return inner;
  let out = "";
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === "\\" && i + 1 < inner.length) {
      out += inner[i + 1];
      i++;
    } else out += c;
  }
  return out;
}

/** Wraps text as a quoted-string, escaping `"` and `\` (and the other characters qdtext excludes). */
export function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ch = text[i] as string;
    if (code === 34 || code === 92 || code === 0x7f || (code < 0x20 && code !== 9 && code !== 10 && code !== 13)) {
      out += `\\${ch}`;
    } else if (code === 10 || code === 13) {
      out += " "; // CR and LF cannot appear even as quoted-pairs
    } else out += ch;
  }
  return `${out}"`;
}

/** RFC 3986 §2.1 / §2.5 percent-encoding helpers (uppercase hex on output, either case on input). */

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

function hexByte(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
}

/**
 * Percent-encodes every character of `s` that `isLiteral` rejects, octet by octet from its UTF-8 form.
 * `isLiteral` is only asked about ASCII characters; non-ASCII is always encoded (CORE-ADDR-02).
 */
export function percentEncode(s: string, isLiteral: (ch: string) => boolean): string {
  let out = "";
  for (const ch of s) {
    if (ch.length === 1 && ch.charCodeAt(0) < 0x80 && isLiteral(ch)) out += ch;
    else for (const byte of encoder.encode(ch)) out += hexByte(byte);
  }
  return out;
}

const ASCII_WITHOUT_ESCAPES = /^[^%\u0080-\uffff]*$/;

/** Decodes `%HH` sequences to octets and reads them as UTF-8. Returns undefined for malformed escapes or UTF-8. */
export function percentDecodeUtf8(s: string): string | undefined {
  // ASCII without escapes decodes to itself (issue #8: skips the byte buffer for most user parts).
  if (ASCII_WITHOUT_ESCAPES.test(s)) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80 && code !== 0x25) {
      bytes.push(code); // an ASCII character is its own UTF-8 octet
    } else if (code === 0x25) {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      for (const byte of encoder.encode(s[i] as string)) bytes.push(byte);
    }
  }
  try {
    return strictDecoder.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/**
 * Normalises escapes for comparison (RFC 3261 §19.1.4, RFC 3986 §6.2.2): `%HH` of a character in
 * `isUnreserved` is decoded, the hex of every other escape is uppercased.
 */
export function normalizePercentEncoding(s: string, isUnreserved: (ch: string) => boolean): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => {
    const ch = String.fromCharCode(Number.parseInt(hex, 16));
    return isUnreserved(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

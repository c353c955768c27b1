import { createHash } from "node:crypto";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
// RFC 3261 §25.1: callid = word [ "@" word ]; word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" /
// "`" / "'" / "~" / "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}" )
const WORD = "[A-Za-z0-9\\-.!%*_+`'~()<>:\\\\\"/\\[\\]?{}]+";
const CALL_ID = new RegExp(`^${WORD}(?:@${WORD})?$`);
const MAX_CALL_ID_OCTETS = 256;

/** Lowercase, unpadded RFC 4648 base32. */
function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** Whether a string is a Call-ID by the RFC 3261 grammar and at most 256 octets. */
export function isCallId(value: string): boolean {
  return Buffer.byteLength(value, "utf8") <= MAX_CALL_ID_OCTETS && CALL_ID.test(value);
}

/**
 * IM-X2S-06: the Call-ID for a `<thread/>`: the thread itself when it is a valid Call-ID, else `t-` + the first
 * 32 characters of base32(SHA-256(thread)). `isDerived` tells the caller to remember the pair (IM-STATE-04).
 */
export function callIdForThread(thread: string): { readonly callId: string; readonly isDerived: boolean } {
  if (isCallId(thread)) return { callId: thread, isDerived: false };
  const digest = createHash("sha256").update(thread, "utf8").digest();
  return { callId: `t-${base32(digest).slice(0, 32)}`, isDerived: true };
}

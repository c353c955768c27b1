import { randomBytes } from "node:crypto";

// RFC 4975 §9: ident = ALPHANUM 3*31ident-char; ident-char = ALPHANUM / "." / "-" / "+" / "%" / "="
const IDENT = /^[A-Za-z0-9][A-Za-z0-9.\-+%=]{3,31}$/;
const ALPHANUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** True when `value` is a valid transaction id / Message-ID (RFC 4975 §9 `ident`). */
export function isIdent(value: string): boolean {
  return IDENT.test(value);
}

/**
 * Random alphanumeric string; each character carries log2(62) ≈ 5.95 bits (rejection sampling keeps it
 * uniform), so 16 characters give ~95 bits.
 */
function randomAlphanumeric(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= 248) continue; // 248 = 4 * 62: drop the biased tail
      out += ALPHANUM[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** New transaction id: 16 alphanumerics (~95 bits; RFC 4975 §7.1 asks for at least 64, MSRP-FMT-01). */
export function newTransactionId(): string {
  return randomAlphanumeric(16);
}

/** New Message-ID: 20 alphanumerics (~119 bits), never expected to repeat (MSRP-SEND-01). */
export function newMessageId(): string {
  return randomAlphanumeric(20);
}

/**
 * New session-id for a local MSRP URI: 20 alphanumerics (~119 bits, RFC 4975 §14.1 asks for at
 * least 80, MSRP-URI-03). Alphanumerics are a subset of the session-id grammar.
 */
export function newSessionId(): string {
  return randomAlphanumeric(20);
}

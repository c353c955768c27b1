import { randomFillSync } from "node:crypto";

// Bytes from the CSPRNG in blocks: one call per few hundred tags or branches instead of one (and a Buffer) each.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** `bytes` fresh random bytes from the pool, as text; each byte is handed out once. */
function randomText(bytes: number, encoding: "hex" | "base64url"): string {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const text = pool.toString(encoding, offset, offset + bytes);
  offset += bytes;
  return text;
}

/**
 * A new To/From tag: 64 random bits as 16 hex digits, the same shape as sip-parser's generateTag (RFC 3261
 * §19.3 asks for at least 32 bits of cryptographic randomness).
 */
export function newTag(): string {
  return randomText(8, "hex");
}

/** A new RFC 3261 branch (§8.1.1.7): the magic cookie and 72 random bits as 12 base64url characters. */
export function newBranch(): string {
  return `z9hG4bK${randomText(9, "base64url")}`;
}

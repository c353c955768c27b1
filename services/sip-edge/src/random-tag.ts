import { randomFillSync } from "node:crypto";

// Bytes from the CSPRNG in blocks: one call per 512 tags instead of one (and a Buffer) per tag.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * A new To/From tag: 64 random bits as 16 hex digits, the same shape as sip-parser's generateTag (RFC 3261
 * §19.3 asks for at least 32 bits of cryptographic randomness).
 */
export function newTag(): string {
  if (offset + 8 > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const tag = pool.toString("hex", offset, offset + 8);
  offset += 8;
  return tag;
}

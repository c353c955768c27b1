import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * XEP-0185 §3: key = HEX(HMAC-SHA256(SHA256(secret), receiving + " " + originating + " " + streamId)).
 * Any peer can ask us (the authoritative server) to check a key; only we can compute it.
 */
export function dialbackKey(secret: string, receiving: string, originating: string, streamId: string): string {
  const hashedSecret = createHash("sha256").update(secret, "utf8").digest("hex");
  return createHmac("sha256", hashedSecret).update(`${receiving} ${originating} ${streamId}`, "utf8").digest("hex");
}

export function isValidDialbackKey(
  secret: string,
  receiving: string,
  originating: string,
  streamId: string,
  key: string,
): boolean {
  const expected = Buffer.from(dialbackKey(secret, receiving, originating, streamId));
  const got = Buffer.from(key.trim());
  return got.length === expected.length && timingSafeEqual(got, expected);
}

import { createHash, timingSafeEqual } from "node:crypto";

/** XEP-0114 §3: handshake = lowercase hex(SHA-1(streamId + secret)). */
export function componentHandshake(streamId: string, secret: string): string {
  return createHash("sha1")
    .update(streamId + secret, "utf8")
    .digest("hex");
}

/** Checks a handshake in constant time (the server side of XEP-0114, used by tests and a future listener). */
export function isValidHandshake(streamId: string, secret: string, received: string): boolean {
  const expected = Buffer.from(componentHandshake(streamId, secret));
  const got = Buffer.from(received.trim().toLowerCase());
  return got.length === expected.length && timingSafeEqual(got, expected);
}

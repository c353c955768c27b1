import { createHash, randomBytes } from "node:crypto";
import { generateTag } from "@stox/sip-parser";

/** CORE-SEC-04(a): every stanza id the S2X makes starts with this, so a stanza that loops back is recognised. */
export const S2X_ID_PREFIX = "s2x-";
/** CORE-SEC-04(a): From-tag prefix of every MESSAGE the X2S makes. */
export const X2S_TAG_PREFIX = "x2s-";

/**
 * IM-S2X-09: the stanza id of an S2X message, from the SIP transaction: `s2x-` + base64url(SHA-256(Call-ID,
 * CSeq, top Via branch)) cut to 22 characters. A retransmission or a retry of the same transaction gets the
 * same id, which is what makes a re-delivery after a crash recognisable (README "Idempotency").
 */
export function s2xStanzaId(callId: string, cseq: number, branch: string | undefined): string {
  const digest = createHash("sha256")
    .update(`${callId}\n${cseq}\n${branch ?? ""}`)
    .digest("base64url");
  return `${S2X_ID_PREFIX}${digest.slice(0, 22)}`;
}

/**
 * A From-tag for an X2S MESSAGE (RFC 3261 §19.3: at least 32 bits of randomness): 64 bits from sip-parser's
 * pooled random bytes. `randomBytes` per message was a system call and about 3% of the gateway's CPU.
 */
export function x2sFromTag(): string {
  return `${X2S_TAG_PREFIX}${generateTag()}`;
}

/** RFC 5438 §6.3 imdn.Message-ID for an X2S message (globally unique, 128 random bits). */
export function newImdnMessageId(): string {
  return randomBytes(16).toString("base64url");
}

/** A stanza id for a stanza the gateway makes on its own (receipts, chat states). */
export function newS2xStanzaId(): string {
  return `${S2X_ID_PREFIX}${randomBytes(16).toString("base64url").slice(0, 22)}`;
}

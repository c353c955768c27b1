import { z } from "zod";
import { defineCodec } from "./codec.js";
import { envelope } from "./common.js";

/**
 * `stox.v1.sip.out.cancel`: cancel an INVITE sent through `stox.v1.sip.out.request` (RFC 3261 §9.1).
 * Every sip-edge instance receives it (no queue group); only the one holding the INVITE's client
 * transaction replies, with the CANCEL's final response (`SipResponseReceived`). No reply (a request
 * timeout) means no instance has that INVITE pending any more. The INVITE's own reply then carries 487.
 */
export const SIP_OUT_CANCEL = "stox.v1.sip.out.cancel";

export const sipCancelCommandSchema = z.object({
  ...envelope,
  /** The `id` of the INVITE's `SipRequestCommand`. */
  commandId: z.string().min(1).max(128),
});
export type SipCancelCommand = z.infer<typeof sipCancelCommandSchema>;

export const sipCancelCommandCodec = defineCodec(SIP_OUT_CANCEL, sipCancelCommandSchema);

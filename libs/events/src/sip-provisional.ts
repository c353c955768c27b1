import { z } from "zod";
import { defineCodec } from "./codec.js";
import { envelope } from "./common.js";

/**
 * `stox.v1.sip.out.provisional`: a provisional response (101-199, e.g. 180 Ringing) to a request a mapper
 * sent through `stox.v1.sip.out.request`. Fire and forget: the final response still comes as the reply.
 */
export const SIP_OUT_PROVISIONAL = "stox.v1.sip.out.provisional";

export const sipProvisionalReceivedSchema = z.object({
  ...envelope,
  /** The `id` of the `SipRequestCommand` this answers. */
  commandId: z.string().min(1).max(128),
  callId: z.string().min(1).max(512),
  status: z.number().int().min(101).max(199),
  reason: z.string().max(256),
  headers: z.array(z.tuple([z.string().min(1).max(256), z.string().max(8192)])).max(256),
  contentType: z.string().max(256).optional(),
  body: z
    .string()
    .max(1024 * 1024)
    .optional(),
  bodyEncoding: z.enum(["utf8", "base64"]).optional(),
});
export type SipProvisionalReceived = z.infer<typeof sipProvisionalReceivedSchema>;

export const sipProvisionalReceivedCodec = defineCodec(SIP_OUT_PROVISIONAL, sipProvisionalReceivedSchema);

import { z } from "zod";
import { defineCodec } from "./codec.js";
import { envelope, gatewayErrorSchema } from "./common.js";

// SIP methods an edge may hand to mappers. OPTIONS (and CANCEL/ACK of non-2xx) are answered by the edge itself.
export const sipInMethods = [
  "message",
  "subscribe",
  "notify",
  "publish",
  "invite",
  "ack",
  "bye",
  "cancel",
  "info",
  "update",
  "refer",
  "prack",
] as const;
export type SipInMethod = (typeof sipInMethods)[number];

/** `stox.v1.sip.in.<method>`: a SIP request the edge received, to be answered by a mapper. */
export function sipInSubject(method: SipInMethod): string {
  return `stox.v1.sip.in.${method}`;
}
export const SIP_IN_ALL = "stox.v1.sip.in.>";
export const SIP_OUT_REQUEST = "stox.v1.sip.out.request";

const headerList = z.array(z.tuple([z.string().min(1).max(256), z.string().max(8192)])).max(256);

const endpoint = z.object({ address: z.string().max(64), port: z.number().int().min(0).max(65535) });

const nameAddr = z.object({
  uri: z.string().min(1).max(3072),
  displayName: z.string().max(1024).optional(),
  tag: z.string().max(256).optional(),
});

/** Body text. SIP bodies are bytes: non-UTF-8 bodies travel as base64 with bodyEncoding "base64". */
const bodyFields = {
  contentType: z.string().max(256).optional(),
  body: z
    .string()
    .max(1024 * 1024)
    .optional(),
  bodyEncoding: z.enum(["utf8", "base64"]).optional(),
};

export const sipRequestReceivedSchema = z.object({
  ...envelope,
  method: z.string().min(1).max(32),
  requestUri: z.string().min(1).max(3072),
  from: nameAddr,
  to: nameAddr,
  callId: z.string().min(1).max(512),
  cseq: z.number().int().nonnegative(),
  /** All headers in arrival order, names as received. */
  headers: headerList,
  transport: z.object({ protocol: z.enum(["udp", "tcp", "tls", "ws", "wss"]), remote: endpoint, local: endpoint }),
  /**
   * Set when the request belongs to a dialog the gateway knows (see the sip-edge dialog store). For INVITE
   * and SUBSCRIBE outside a dialog: the id the dialog gets if the reply is 2xx, so a mapper can send
   * in-dialog requests (a NOTIFY) right after answering.
   */
  dialogId: z.string().max(512).optional(),
  ...bodyFields,
});
export type SipRequestReceived = z.infer<typeof sipRequestReceivedSchema>;

/** The reply to a sip.in request: the final response the edge sends, or a failure the edge maps to one. */
export const sipResponseCommandSchema = z.discriminatedUnion("ok", [
  z.object({
    ...envelope,
    ok: z.literal(true),
    status: z.number().int().min(200).max(699),
    reason: z.string().max(256).optional(),
    headers: headerList.optional(),
    ...bodyFields,
  }),
  z.object({ ...envelope, ok: z.literal(false), error: gatewayErrorSchema }),
]);
export type SipResponseCommand = z.infer<typeof sipResponseCommandSchema>;

/** `stox.v1.sip.out.request`: a mapper asks the edge to send a SIP request (new or in-dialog). */
export const sipRequestCommandSchema = z.object({
  ...envelope,
  method: z.string().min(1).max(32),
  requestUri: z.string().min(1).max(3072),
  from: nameAddr,
  to: nameAddr,
  /** Omitted: the edge makes a new Call-ID (CORE-ARCH-06). */
  callId: z.string().max(512).optional(),
  /**
   * Out-of-dialog requests that reuse a Call-ID (RFC 7572: one Call-ID per XMPP thread) need increasing CSeq
   * numbers (RFC 3261 §8.1.1.5); omitted: the edge uses 1. Ignored for in-dialog requests (the dialog decides).
   */
  cseq: z.number().int().min(1).max(2_147_483_647).optional(),
  /** For in-dialog requests: the edge takes route set, CSeq and tags from the dialog store. */
  dialogId: z.string().max(512).optional(),
  headers: headerList.optional(),
  ...bodyFields,
});
export type SipRequestCommand = z.infer<typeof sipRequestCommandSchema>;

/** The reply to sip.out.request: the final response (locally made 408 on Timer F/B), or a failure. */
export const sipResponseReceivedSchema = z.discriminatedUnion("ok", [
  z.object({
    ...envelope,
    ok: z.literal(true),
    status: z.number().int().min(200).max(699),
    reason: z.string().max(256),
    headers: headerList,
    /** True when the edge made the response itself (timeout, transport error) instead of receiving it. */
    isLocal: z.boolean().optional(),
    dialogId: z.string().max(512).optional(),
    ...bodyFields,
  }),
  z.object({ ...envelope, ok: z.literal(false), error: gatewayErrorSchema }),
]);
export type SipResponseReceived = z.infer<typeof sipResponseReceivedSchema>;

// The kinds every chat message crosses the bus with validate through zod's compiled parser (issue 8).
const hot = { compile: true } as const;
export const sipRequestReceived = (method: SipInMethod) =>
  defineCodec(sipInSubject(method), sipRequestReceivedSchema, hot);
export const sipRequestReceivedCodec = defineCodec(SIP_IN_ALL, sipRequestReceivedSchema, hot);
export const sipResponseCommandCodec = defineCodec(`${SIP_IN_ALL} (reply)`, sipResponseCommandSchema, hot);
export const sipRequestCommandCodec = defineCodec(SIP_OUT_REQUEST, sipRequestCommandSchema, hot);
export const sipResponseReceivedCodec = defineCodec(`${SIP_OUT_REQUEST} (reply)`, sipResponseReceivedSchema, hot);

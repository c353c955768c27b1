import { z } from "zod";
import { defineCodec } from "./codec.js";
import { envelope, gatewayErrorSchema } from "./common.js";

// MSRP (RFC 4975) sessions are owned by one msrp-edge instance: a mapper opens a session on the shared
// subject, learns the edge's id from the reply, and sends every later command for that session to the
// edge's own subjects. Inbound traffic goes to the owner named at open time.

/** A subject token: lower-case service or instance name. */
const token = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/);
const mediaType = z.string().min(1).max(256);
const msrpUriText = z.string().min(1).max(1024);
/** Opaque handle of a session at its edge (not the MSRP session-id). */
const sessionHandle = z.string().min(1).max(128);
/** Echoed unchanged in every event about the session (e.g. Call-ID, room JID): mappers stay stateless. */
const context = z.record(z.string().max(64), z.string().max(1024)).optional();
const mimeHeaders = z.array(z.tuple([z.string().min(1).max(256), z.string().max(4096)])).max(32);
/** RFC 4975 ident: Message-ID values. */
const messageId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.\-+%=]{3,31}$/);
/** MSRP status codes are three digits (RFC 4975 §9). */
const msrpStatus = z.number().int().min(100).max(999);

export const MSRP_SESSION_OPEN = "stox.v1.msrp.session.open";

/** Commands a mapper sends to the edge that owns a session. */
export const msrpOutActions = ["open", "update", "close", "send", "report", "nickname", "body"] as const;
export type MsrpOutAction = (typeof msrpOutActions)[number];
/** `stox.v1.msrp.out.<edge>.<action>`: a command for a session held by edge instance `edge`. */
export function msrpOutSubject(edge: string, action: MsrpOutAction): string {
  return `stox.v1.msrp.out.${edge}.${action}`;
}

/** What an edge tells a session's owner. */
export const msrpInKinds = ["send", "report", "nickname", "closed"] as const;
export type MsrpInKind = (typeof msrpInKinds)[number];
/** `stox.v1.msrp.in.<owner>.<kind>`: traffic of a session opened by service `owner`. */
export function msrpInSubject(owner: string, kind: MsrpInKind): string {
  return `stox.v1.msrp.in.${owner}.${kind}`;
}

/** RFC 4145 / RFC 6135 `a=setup` values. */
export const msrpSetupValues = ["active", "passive", "actpass", "holdconn"] as const;

/** The peer's side of the SDP: what its offer or answer said about the MSRP stream. */
export const msrpRemoteDescriptionSchema = z.object({
  /** `a=path`, leftmost = first hop (RFC 4975 §8.2). */
  path: z.array(msrpUriText).min(1).max(8),
  /** `a=setup`; absent when the peer does not use RFC 6135 (RFC 4975 §8.5 rule applies). */
  setup: z.enum(msrpSetupValues).optional(),
  acceptTypes: z.array(mediaType).max(64).optional(),
  acceptWrappedTypes: z.array(mediaType).max(64).optional(),
  /** `a=max-size` in octets. */
  maxSize: z.number().int().nonnegative().optional(),
});
export type MsrpRemoteDescription = z.infer<typeof msrpRemoteDescriptionSchema>;

/** `stox.v1.msrp.session.open`: make a local MSRP endpoint for an offer (no remote yet) or an answer. */
export const msrpSessionOpenSchema = z.object({
  ...envelope,
  /** Service that receives this session's inbound events (`msrp.in.<owner>.*`). */
  owner: token,
  role: z.enum(["offerer", "answerer"]),
  /** `msrps` over TLS. */
  isSecure: z.boolean().optional(),
  /** Required for `answerer`; an offerer passes it later with `update`. */
  remote: msrpRemoteDescriptionSchema.optional(),
  /** Our `a=accept-types`; default from the edge config. */
  acceptTypes: z.array(mediaType).min(1).max(64).optional(),
  acceptWrappedTypes: z.array(mediaType).max(64).optional(),
  /** Our `a=max-size`; capped by the edge's own limit. */
  maxSize: z.number().int().positive().optional(),
  context,
});
export type MsrpSessionOpen = z.infer<typeof msrpSessionOpenSchema>;

const sdpSchema = z.object({
  /** Host of our URI, for `c=`. */
  host: z.string().min(1).max(256),
  /** Port for `m=message <port> <proto> *` (RFC 4975 §8.1). */
  port: z.number().int().min(0).max(65535),
  proto: z.enum(["TCP/MSRP", "TCP/TLS/MSRP"]),
  /** Attribute lines without `a=`: path, accept-types, accept-wrapped-types, max-size, setup. */
  attributes: z.array(z.string().max(2048)).max(16),
});

export const msrpSessionOpenedSchema = z.discriminatedUnion("ok", [
  z.object({
    ...envelope,
    ok: z.literal(true),
    session: sessionHandle,
    /** The edge instance holding the session: send later commands to `msrpOutSubject(edge, ...)`. */
    edge: token,
    /** Our `a=path`. */
    localPath: z.array(msrpUriText).min(1).max(8),
    /** Our `a=setup` (what we put in the offer or answer). */
    setup: z.enum(["active", "passive", "actpass"]),
    sdp: sdpSchema,
  }),
  z.object({ ...envelope, ok: z.literal(false), error: gatewayErrorSchema }),
]);
export type MsrpSessionOpened = z.infer<typeof msrpSessionOpenedSchema>;

/** `update`: the peer's answer reached the offerer (connects when we are active). */
export const msrpSessionUpdateSchema = z.object({
  ...envelope,
  session: sessionHandle,
  remote: msrpRemoteDescriptionSchema,
});
export type MsrpSessionUpdate = z.infer<typeof msrpSessionUpdateSchema>;

/** `close`: end the session (BYE, room left). */
export const msrpSessionCloseSchema = z.object({
  ...envelope,
  session: sessionHandle,
  reason: z.string().max(256).optional(),
});
export type MsrpSessionClose = z.infer<typeof msrpSessionCloseSchema>;

/** Bodies are bytes: text travels as `utf8`, anything else as `base64`. */
const bodyEncoding = z.enum(["utf8", "base64"]);

/** `send`: send a message on the session (chunked by the edge). */
export const msrpSendCommandSchema = z.object({
  ...envelope,
  session: sessionHandle,
  contentType: mediaType,
  body: z.string().max(1024 * 1024),
  bodyEncoding: bodyEncoding.optional(),
  /** Keep the Message-ID when resending after a session was re-created (RFC 4975 §5.4). */
  messageId: messageId.optional(),
  successReport: z.enum(["yes", "no"]).optional(),
  failureReport: z.enum(["yes", "no", "partial"]).optional(),
  mimeHeaders: mimeHeaders.optional(),
});
export type MsrpSendCommand = z.infer<typeof msrpSendCommandSchema>;

/** `report`: a REPORT about a message we received (e.g. delivery failed after the 200, RFC 4975 §7.1.2). */
export const msrpReportCommandSchema = z.object({
  ...envelope,
  session: sessionHandle,
  messageId,
  status: msrpStatus,
  comment: z.string().max(256).optional(),
  byteRange: z
    .object({
      start: z.number().int().positive(),
      end: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
    })
    .optional(),
});
export type MsrpReportCommand = z.infer<typeof msrpReportCommandSchema>;

/** `nickname`: RFC 7701 NICKNAME; `""` removes it. */
export const msrpNicknameCommandSchema = z.object({
  ...envelope,
  session: sessionHandle,
  nickname: z.string().max(1023),
});
export type MsrpNicknameCommand = z.infer<typeof msrpNicknameCommandSchema>;

/** `body`: a slice of a received body too large to travel inline (`bodyRef` in the send event). */
export const msrpBodyFetchSchema = z.object({
  ...envelope,
  session: sessionHandle,
  bodyRef: z.string().min(1).max(128),
  offset: z.number().int().nonnegative(),
  length: z
    .number()
    .int()
    .positive()
    .max(512 * 1024),
});
export type MsrpBodyFetch = z.infer<typeof msrpBodyFetchSchema>;

/** Reply to update/close/send/report/nickname/body. `status` is the MSRP code when one was received or sent. */
export const msrpCommandResultSchema = z.discriminatedUnion("ok", [
  z.object({
    ...envelope,
    ok: z.literal(true),
    status: msrpStatus.optional(),
    messageId: messageId.optional(),
    /** `body` replies: base64 slice and the whole size. */
    body: z
      .string()
      .max(700 * 1024)
      .optional(),
    totalBytes: z.number().int().nonnegative().optional(),
  }),
  z.object({ ...envelope, ok: z.literal(false), error: gatewayErrorSchema, status: msrpStatus.optional() }),
]);
export type MsrpCommandResult = z.infer<typeof msrpCommandResultSchema>;

const sessionFields = { session: sessionHandle, edge: token, context };

/** `msrp.in.<owner>.send`: a complete (reassembled) message received on a session. */
export const msrpMessageReceivedSchema = z.object({
  ...envelope,
  ...sessionFields,
  messageId,
  contentType: z.string().max(256),
  mimeHeaders,
  bodyBytes: z.number().int().nonnegative(),
  /** Inline body; absent when too large for one bus message: fetch slices of `bodyRef` with `body`. */
  body: z
    .string()
    .max(1024 * 1024)
    .optional(),
  bodyEncoding: bodyEncoding.optional(),
  bodyRef: z.string().min(1).max(128).optional(),
  /** The Message-ID was completed before (RFC 4975 §5.4): do not present it again without warning. */
  isDuplicate: z.boolean(),
  successReport: z.enum(["yes", "no"]),
  failureReport: z.enum(["yes", "no", "partial"]),
});
export type MsrpMessageReceived = z.infer<typeof msrpMessageReceivedSchema>;

/** `msrp.in.<owner>.report`: a REPORT about a message this session sent (RFC 4975 §7.1.2). */
export const msrpReportReceivedSchema = z.object({
  ...envelope,
  ...sessionFields,
  messageId,
  status: msrpStatus,
  comment: z.string().max(256).optional(),
  byteRange: z.object({
    start: z.number().int().positive(),
    end: z.union([z.number().int().nonnegative(), z.literal("*")]),
    total: z.union([z.number().int().nonnegative(), z.literal("*")]),
  }),
});
export type MsrpReportReceived = z.infer<typeof msrpReportReceivedSchema>;

/** `msrp.in.<owner>.nickname`: RFC 7701 NICKNAME from a participant (`""` = remove). */
export const msrpNicknameReceivedSchema = z.object({ ...envelope, ...sessionFields, nickname: z.string().max(1023) });
export type MsrpNicknameReceived = z.infer<typeof msrpNicknameReceivedSchema>;

/** Reply to msrp.in events: accepted (200), or the failure the edge answers with (`status` wins when given). */
export const msrpInboundReplySchema = z.discriminatedUnion("ok", [
  z.object({ ...envelope, ok: z.literal(true) }),
  z.object({ ...envelope, ok: z.literal(false), error: gatewayErrorSchema, status: msrpStatus.optional() }),
]);
export type MsrpInboundReply = z.infer<typeof msrpInboundReplySchema>;

export const msrpCloseReasons = ["requested", "idle", "connection-lost", "peer-gone", "shutdown", "failed"] as const;

/** `msrp.in.<owner>.closed`: the session is gone (event, no reply). */
export const msrpSessionClosedSchema = z.object({
  ...envelope,
  ...sessionFields,
  reason: z.enum(msrpCloseReasons),
  detail: z.string().max(512).optional(),
});
export type MsrpSessionClosed = z.infer<typeof msrpSessionClosedSchema>;

export const msrpSessionOpenCodec = defineCodec(MSRP_SESSION_OPEN, msrpSessionOpenSchema);
/** `open` at one instance (`msrpOutSubject(edge, "open")`): e.g. next to another session of the same room. */
export const msrpSessionOpenAtCodec = defineCodec("stox.v1.msrp.out.*.open", msrpSessionOpenSchema);
export const msrpSessionOpenedCodec = defineCodec(`${MSRP_SESSION_OPEN} (reply)`, msrpSessionOpenedSchema);
export const msrpSessionUpdateCodec = defineCodec("stox.v1.msrp.out.*.update", msrpSessionUpdateSchema);
export const msrpSessionCloseCodec = defineCodec("stox.v1.msrp.out.*.close", msrpSessionCloseSchema);
export const msrpSendCommandCodec = defineCodec("stox.v1.msrp.out.*.send", msrpSendCommandSchema);
export const msrpReportCommandCodec = defineCodec("stox.v1.msrp.out.*.report", msrpReportCommandSchema);
export const msrpNicknameCommandCodec = defineCodec("stox.v1.msrp.out.*.nickname", msrpNicknameCommandSchema);
export const msrpBodyFetchCodec = defineCodec("stox.v1.msrp.out.*.body", msrpBodyFetchSchema);
export const msrpCommandResultCodec = defineCodec("stox.v1.msrp.out.* (reply)", msrpCommandResultSchema);
export const msrpMessageReceivedCodec = defineCodec("stox.v1.msrp.in.*.send", msrpMessageReceivedSchema);
export const msrpReportReceivedCodec = defineCodec("stox.v1.msrp.in.*.report", msrpReportReceivedSchema);
export const msrpNicknameReceivedCodec = defineCodec("stox.v1.msrp.in.*.nickname", msrpNicknameReceivedSchema);
export const msrpInboundReplyCodec = defineCodec("stox.v1.msrp.in.* (reply)", msrpInboundReplySchema);
export const msrpSessionClosedCodec = defineCodec("stox.v1.msrp.in.*.closed", msrpSessionClosedSchema);

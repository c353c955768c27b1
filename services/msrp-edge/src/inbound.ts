import { NoRespondersError, RequestTimeoutError } from "@stox/bus";
import {
  type MsrpInboundReply,
  msrpInboundReplyCodec,
  msrpInSubject,
  msrpMessageReceivedCodec,
  msrpNicknameReceivedCodec,
  msrpReportReceivedCodec,
  newEventId,
  nowIso,
} from "@stox/events";
import {
  answerSend,
  buildErrorResponse,
  type MsrpFrame,
  MsrpMessageTooLargeError,
  MsrpReassemblyError,
  type MsrpRequest,
  type MsrpResponse,
  msrpUriKey,
  type ReassembledMessage,
  respondTo,
} from "@stox/msrp-lite";
import type { MsrpConnection } from "./connection.js";
import type { EdgeContext } from "./edge-context.js";
import { isAcceptedType } from "./media-types.js";
import type { MsrpSession } from "./session.js";
import { msrpStatusForError } from "./status-map.js";

/** Handles one frame read off a connection (requests and rejected frames; responses went to the tracker). */
export function handleFrame(edge: EdgeContext, connection: MsrpConnection, frame: MsrpFrame): void {
  if (frame.kind === "rejected") {
    // A malformed or over-limit frame skipped to its end-line: 400 / 413 when it may be answered.
    const response = buildErrorResponse(frame.error);
    answer(edge, connection, response);
    return;
  }
  const request = frame.message;
  if (request.kind !== "request") return;
  const found = resolveSession(edge, connection, request);
  if (typeof found === "number") {
    const response = respondTo(request, found);
    answer(edge, connection, response);
    return;
  }
  found.lastActivityMs = edge.now();
  switch (request.method) {
    case "SEND":
      onSend(edge, found, connection, request);
      return;
    case "REPORT":
      onReport(edge, found, request);
      return;
    case "NICKNAME":
      onNickname(edge, found, connection, request);
      return;
    default: {
      // RFC 4975 §12 (MSRP-FMT-08): unknown methods get 501.
      const response = respondTo(request, 501);
      answer(edge, connection, response);
    }
  }
}

/**
 * RFC 4975 §7.3 (MSRP-RECV-01) and §5.4 (MSRP-CONN-04): the To-Path holds exactly one URI naming a live
 * session; the first request for a session binds it to the connection; a session bound elsewhere gets 506.
 */
function resolveSession(edge: EdgeContext, connection: MsrpConnection, request: MsrpRequest): MsrpSession | number {
  const target = request.toPath.length === 1 ? request.toPath[0] : undefined;
  const session = target ? edge.sessionByLocalKey(msrpUriKey(target)) : undefined;
  if (session === undefined) return 481;
  if (session.connection === connection) return session;
  if (session.connection !== undefined && !session.connection.isClosed) return 506;
  if (connection.sessions.size >= edge.config.maxSessionsPerConnection) return 403;
  session.bind(connection);
  return session;
}

function reply(edge: EdgeContext, connection: MsrpConnection, request: MsrpRequest, status: number): void {
  answer(edge, connection, respondTo(request, status));
}

function answer(edge: EdgeContext, connection: MsrpConnection, response: MsrpResponse | undefined): void {
  if (response === undefined) return;
  edge.observer.responded(response.statusCode);
  void connection.write(response);
}

function onSend(edge: EdgeContext, session: MsrpSession, connection: MsrpConnection, request: MsrpRequest): void {
  const range = request.byteRange;
  // A bodiless SEND binds the connection or keeps it alive (RFC 4975 §5.4, §7.1): acknowledge only.
  if (request.body === undefined && (range === undefined || range.total === 0 || range.end === 0)) {
    reply(edge, connection, request, 200);
    return;
  }
  // MSRP-RECV-05: an unsupported media type gets 415 (the first chunk carries the message's type).
  const type = request.contentType;
  if (type !== undefined && (range?.start ?? 1) === 1 && !isAcceptedType(type, session.acceptTypes)) {
    if (request.messageId) session.reassembler.drop(request.messageId);
    edge.budget.settle(session);
    reply(edge, connection, request, 415);
    return;
  }
  // RFC 4975 §14.5: while partial messages hold the edge's whole reassembly budget, chunks that need
  // reassembly get 413, which makes their senders give those messages up (MSRP-RESP-05); a message in
  // one chunk needs no buffer, and a `#` frees one.
  const isWhole = (range?.start ?? 1) === 1 && request.endFlag === "$";
  if (edge.budget.isExhausted && !isWhole && request.endFlag !== "#") {
    if (request.messageId) session.reassembler.drop(request.messageId);
    edge.budget.settle(session);
    reply(edge, connection, request, 413);
    return;
  }
  let result: ReturnType<MsrpSession["reassembler"]["accept"]>;
  try {
    result = session.reassembler.accept(request);
  } catch (error) {
    // 413 over a=max-size (MSRP-SEND-05 from the receiving side), 400 for inconsistent chunks.
    if (error instanceof MsrpMessageTooLargeError || error instanceof MsrpReassemblyError) {
      edge.budget.settle(session);
      reply(edge, connection, request, error.statusCode);
      return;
    }
    throw error;
  }
  edge.budget.settle(session);
  if (result.status !== "complete") {
    reply(edge, connection, request, 200); // partial or aborted (`#`): this chunk itself arrived fine
    return;
  }
  connection.beginWork();
  deliver(edge, session, result.message, result.isDuplicate)
    .then((status) => {
      edge.observer.delivered(status);
      session.rememberReceived(result.message.messageId, result.message.body.length);
      // RFC 4975 §7.2, §7.1.3: the transaction response per Failure-Report, a success REPORT per
      // Success-Report, once the owner has taken the whole message.
      const { response, reports } = answerSend(request, status, { messageBytes: result.message.body.length });
      answer(edge, connection, response);
      for (const report of reports) void connection.write(report);
    })
    .catch((error: unknown) => edge.reportError(asError(error), { where: "inbound-send" }))
    .finally(() => connection.endWork());
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const BUS_HEADROOM_BYTES = 8192;

/** Asks the owner to take a complete message; resolves with the MSRP status to answer. */
async function deliver(
  edge: EdgeContext,
  session: MsrpSession,
  message: ReassembledMessage,
  isDuplicate: boolean,
): Promise<number> {
  const chunk = message.lastChunk;
  const base = {
    v: 1 as const,
    id: newEventId(),
    at: nowIso(),
    session: session.handle,
    edge: edge.config.instanceId,
    ...(session.context ? { context: { ...session.context } } : {}),
    messageId: message.messageId,
    contentType: message.contentType,
    mimeHeaders: message.mimeHeaders.map((h) => [h.name, h.value] as [string, string]),
    bodyBytes: message.body.length,
    isDuplicate,
    successReport: chunk.successReport ?? "no",
    failureReport: chunk.failureReport ?? "yes",
  };
  let data = msrpMessageReceivedCodec.encode({ ...base, ...inlineBody(message.body) });
  let bodyRef: string | undefined;
  if (data.length > edge.bus.maxPayloadBytes - BUS_HEADROOM_BYTES) {
    // Too large for one bus message: the owner fetches slices by reference while this event is open.
    bodyRef = newEventId();
    session.bodies.set(bodyRef, message.body);
    data = msrpMessageReceivedCodec.encode({ ...base, bodyRef });
  }
  try {
    const answer = await askOwner(edge, msrpInSubject(session.owner, "send"), data);
    return answer.ok ? 200 : (answer.status ?? msrpStatusForError(answer.error.code));
  } finally {
    if (bodyRef !== undefined) session.bodies.delete(bodyRef);
  }
}

function inlineBody(body: Uint8Array): { body: string; bodyEncoding: "utf8" | "base64" } {
  try {
    return { body: utf8.decode(body), bodyEncoding: "utf8" };
  } catch {
    return {
      body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("base64"),
      bodyEncoding: "base64",
    };
  }
}

/** Request/reply to the session's owner; a silent or absent owner becomes a failure reply. */
async function askOwner(edge: EdgeContext, subject: string, data: Uint8Array): Promise<MsrpInboundReply> {
  const failure = (code: "timeout" | "unavailable" | "internal", message: string): MsrpInboundReply => ({
    v: 1,
    id: newEventId(),
    at: nowIso(),
    ok: false,
    error: { code, message, isRetryable: code !== "internal" },
  });
  try {
    const answer = await edge.bus.request(subject, data, { timeoutMs: edge.config.mapperTimeoutMs });
    return msrpInboundReplyCodec.decode(answer.data);
  } catch (error) {
    if (error instanceof RequestTimeoutError) return failure("timeout", "the mapper did not answer in time");
    if (error instanceof NoRespondersError) return failure("unavailable", "no mapper is listening");
    edge.reportError(asError(error), { where: "ask-owner", subject });
    return failure("internal", "bad reply from the mapper");
  }
}

function onReport(edge: EdgeContext, session: MsrpSession, request: MsrpRequest): void {
  // MSRP-RESP-03: REPORTs are never answered. MSRP-RECV-08: REPORTs for Message-IDs we did not send are ignored.
  const messageId = request.messageId;
  const status = request.status;
  if (messageId === undefined || status === undefined || !session.hasSent(messageId)) return;
  // RFC 4975 §7.3.2 (MSRP-RECV-09): a `000` status counts as a transaction response for the message...
  const isFailure = status.namespace === "000" && status.code !== 200;
  if (isFailure) {
    session.sending.get(messageId)?.({
      kind: "response",
      transactionId: request.transactionId,
      statusCode: status.code,
      toPath: request.fromPath,
      fromPath: request.toPath,
      extensionHeaders: [],
    });
  }
  const data = msrpReportReceivedCodec.encode({
    v: 1,
    id: newEventId(),
    at: nowIso(),
    session: session.handle,
    edge: edge.config.instanceId,
    ...(session.context ? { context: { ...session.context } } : {}),
    messageId,
    status: status.code,
    ...(status.comment !== undefined ? { comment: status.comment.slice(0, 256) } : {}),
    byteRange: request.byteRange ?? { start: 1, end: "*", total: "*" },
  });
  askOwner(edge, msrpInSubject(session.owner, "report"), data)
    .then(() => {
      // ...and bytes reported as not received mean the session has failed (renegotiate to recover).
      if (isFailure) edge.closeSession(session, "failed", `failure REPORT ${status.code}`);
    })
    .catch((error: unknown) => edge.reportError(asError(error), { where: "inbound-report" }));
}

function onNickname(edge: EdgeContext, session: MsrpSession, connection: MsrpConnection, request: MsrpRequest): void {
  // RFC 7701 §7.1 (MSRP-NICK-02): one Use-Nickname and no report headers.
  if (request.useNickname === undefined || request.successReport !== undefined || request.failureReport !== undefined) {
    reply(edge, connection, request, 400);
    return;
  }
  const data = msrpNicknameReceivedCodec.encode({
    v: 1,
    id: newEventId(),
    at: nowIso(),
    session: session.handle,
    edge: edge.config.instanceId,
    ...(session.context ? { context: { ...session.context } } : {}),
    nickname: request.useNickname,
  });
  askOwner(edge, msrpInSubject(session.owner, "nickname"), data)
    .then((answer) =>
      reply(edge, connection, request, answer.ok ? 200 : (answer.status ?? msrpStatusForError(answer.error.code))),
    )
    .catch((error: unknown) => edge.reportError(asError(error), { where: "inbound-nickname" }));
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

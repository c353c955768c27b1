import type { MsrpNicknameCommand, MsrpReportCommand, MsrpSendCommand } from "@stox/events";
import {
  MsrpMessageTooLargeError,
  type MsrpRequest,
  newTransactionId,
  OutgoingMessage,
  type TransactionOutcome,
} from "@stox/msrp-lite";
import { GatewayFailure } from "@stox/service-kit";
import type { MsrpConnection } from "./connection.js";
import type { EdgeContext } from "./edge-context.js";
import { MsrpCommandFailure } from "./errors.js";
import { bareMediaType, isAcceptedType } from "./media-types.js";
import type { MsrpSession } from "./session.js";
import { errorForMsrpStatus } from "./status-map.js";

/** Result of a command: the MSRP status received, when one came back. */
export interface CommandOutcome {
  readonly status?: number;
  readonly messageId?: string;
}

function remotePath(session: MsrpSession): MsrpRequest["toPath"] {
  const path = session.remote?.path;
  if (path === undefined)
    throw new GatewayFailure("bad-request", "the session has no peer path yet (send update first)");
  return path;
}

/** Sends a message as SEND chunks on the session's connection (RFC 4975 §7.1.1). */
export async function sendMessage(
  edge: EdgeContext,
  session: MsrpSession,
  command: MsrpSendCommand,
): Promise<CommandOutcome> {
  const message = outgoing(session, command);
  const connection = await edge.connectionFor(session);
  session.rememberSent(message.messageId);
  const outcome = await streamChunks(edge, session, connection, message);
  // RFC 4975 §10.6 (MSRP-RESP-06): after a 415, that type is not sent again in this session.
  if (outcome?.kind === "response" && outcome.response.statusCode === 415) {
    session.refusedTypes.add(bareMediaType(command.contentType));
  }
  return outcomeOf(edge, session, outcome, message.messageId);
}

function outgoing(session: MsrpSession, command: MsrpSendCommand): OutgoingMessage {
  const toPath = remotePath(session);
  const peerTypes = session.remote?.acceptTypes;
  // MSRP-SEND-04: never send a type the peer did not list (wildcards count), nor one it refused with 415.
  if (
    (peerTypes !== undefined && peerTypes.length > 0 && !isAcceptedType(command.contentType, peerTypes)) ||
    session.refusedTypes.has(bareMediaType(command.contentType))
  ) {
    throw new MsrpCommandFailure("not-acceptable", `the peer does not accept ${command.contentType}`, 415);
  }
  const body =
    command.bodyEncoding === "base64" ? Buffer.from(command.body, "base64") : Buffer.from(command.body, "utf8");
  try {
    return new OutgoingMessage({
      toPath,
      fromPath: [session.localUri],
      contentType: command.contentType,
      body,
      ...(command.messageId !== undefined ? { messageId: command.messageId } : {}),
      ...(command.successReport !== undefined ? { successReport: command.successReport } : {}),
      ...(command.failureReport !== undefined ? { failureReport: command.failureReport } : {}),
      ...(command.mimeHeaders ? { mimeHeaders: command.mimeHeaders.map(([name, value]) => ({ name, value })) } : {}),
      ...(session.remote?.maxSize !== undefined ? { peerMaxBytes: session.remote.maxSize } : {}),
    });
  } catch (error) {
    // MSRP-SEND-05: respect the peer's a=max-size.
    if (error instanceof MsrpMessageTooLargeError) throw new MsrpCommandFailure("too-large", error.message, 413);
    throw error;
  }
}

function isFailure(o: TransactionOutcome): boolean {
  return o.kind !== "unacknowledged" && !(o.kind === "response" && o.response.statusCode === 200);
}

/**
 * Writes the chunks, yielding between them; the first failure (an error response, a timeout, or a
 * failure REPORT for this Message-ID, RFC 4975 §7.3.2) stops the message with a `#` chunk
 * (MSRP-RESP-05, MSRP-CHUNK-08) and decides the outcome at once.
 */
async function streamChunks(
  edge: EdgeContext,
  session: MsrpSession,
  connection: MsrpConnection,
  message: OutgoingMessage,
): Promise<TransactionOutcome | undefined> {
  let failed: TransactionOutcome | undefined;
  let onFailure: (outcome: TransactionOutcome) => void = () => {};
  const failure = new Promise<TransactionOutcome>((resolve) => {
    onFailure = resolve;
  });
  const fail = (o: TransactionOutcome) => {
    if (failed !== undefined || !isFailure(o)) return;
    failed = o;
    onFailure(o);
  };
  session.sending.set(message.messageId, (response) => fail({ kind: "response", response }));
  const outcomes: Promise<TransactionOutcome>[] = [];
  try {
    for (let c = message.next(edge.config.sendChunkBytes); c; c = message.next(edge.config.sendChunkBytes)) {
      outcomes.push(
        connection.track(c).then((o) => {
          fail(o);
          return o;
        }),
      );
      await connection.write(c);
      session.lastActivityMs = edge.now();
      if (failed !== undefined || connection.isClosed || session.isEnded) break;
      // Let responses, REPORTs and other sessions' traffic in between chunks (MSRP-CHUNK-06).
      if (!message.isFinished) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (failed !== undefined) {
      const abort = message.abort();
      if (abort) void connection.write(abort);
    }
    return await Promise.race([Promise.all(outcomes).then((all) => all.at(-1)), failure]);
  } finally {
    session.sending.delete(message.messageId);
  }
}

function outcomeOf(
  edge: EdgeContext,
  session: MsrpSession,
  outcome: TransactionOutcome | undefined,
  messageId?: string,
): CommandOutcome {
  const id = messageId !== undefined ? { messageId } : {};
  if (outcome === undefined || outcome.kind === "unacknowledged") return id;
  if (outcome.kind === "closed") throw new GatewayFailure("unavailable", "the MSRP connection closed", true);
  if (outcome.kind === "timeout") throw new MsrpCommandFailure("timeout", "no MSRP response within the timeout", 408);
  const status = outcome.response.statusCode;
  if (status === 200) return { status, ...id };
  // MSRP-RESP-06: after 481 the session is gone.
  if (status === 481) edge.closeSession(session, "peer-gone", "peer answered 481");
  throw new MsrpCommandFailure(errorForMsrpStatus(status), `peer answered ${status}`, status);
}

/** Sends a REPORT about a message we received (RFC 4975 §7.1.2, MSRP-RPT-01/03). */
export async function sendReport(
  edge: EdgeContext,
  session: MsrpSession,
  command: MsrpReportCommand,
): Promise<CommandOutcome> {
  const toPath = remotePath(session);
  const known = session.receivedBytes(command.messageId);
  const byteRange = command.byteRange ?? (known !== undefined ? { start: 1, end: known, total: known } : undefined);
  if (byteRange === undefined) {
    throw new GatewayFailure("bad-request", "byteRange is required for a Message-ID this session did not receive");
  }
  const report: MsrpRequest = {
    kind: "request",
    transactionId: newTransactionId(),
    method: "REPORT",
    toPath,
    fromPath: [session.localUri],
    messageId: command.messageId,
    byteRange,
    status: {
      namespace: "000",
      code: command.status,
      ...(command.comment !== undefined ? { comment: command.comment } : {}),
    },
    extensionHeaders: [],
    mimeHeaders: [],
    endFlag: "$",
  };
  const connection = await edge.connectionFor(session);
  await connection.write(report); // MSRP-RESP-03: REPORTs get no response
  session.lastActivityMs = edge.now();
  return {};
}

/** Sends an RFC 7701 NICKNAME and waits for its response (MSRP-NICK-01..03). */
export async function sendNickname(
  edge: EdgeContext,
  session: MsrpSession,
  command: MsrpNicknameCommand,
): Promise<CommandOutcome> {
  const request: MsrpRequest = {
    kind: "request",
    transactionId: newTransactionId(),
    method: "NICKNAME",
    toPath: remotePath(session),
    fromPath: [session.localUri],
    useNickname: command.nickname,
    extensionHeaders: [],
    mimeHeaders: [],
    endFlag: "$",
  };
  const connection = await edge.connectionFor(session);
  const outcome = await connection.request(request);
  session.lastActivityMs = edge.now();
  return outcomeOf(edge, session, outcome);
}

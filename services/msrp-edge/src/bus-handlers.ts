import type { Subscription } from "@stox/bus";
import {
  MSRP_SESSION_OPEN,
  type MsrpCommandResult,
  type MsrpSessionOpen,
  msrpBodyFetchCodec,
  msrpCommandResultCodec,
  msrpNicknameCommandCodec,
  msrpOutSubject,
  msrpReportCommandCodec,
  msrpSendCommandCodec,
  msrpSessionCloseCodec,
  msrpSessionOpenAtCodec,
  msrpSessionOpenCodec,
  msrpSessionOpenedCodec,
  msrpSessionUpdateCodec,
  newEventId,
  nowIso,
} from "@stox/events";
import { GatewayFailure, serveRequests } from "@stox/service-kit";
import type { Logger, Metrics } from "@stox/telemetry";
import type { MsrpEdge } from "./edge.js";
import { MsrpCommandFailure, MsrpConnectError, MsrpSessionNotFoundError } from "./errors.js";
import { type CommandOutcome, sendMessage, sendNickname, sendReport } from "./outbound.js";
import type { MsrpSession } from "./session.js";
import { openSession, updateSession } from "./session-control.js";

/** Queue group of every msrp-edge subscription. */
export const MSRP_EDGE_QUEUE = "msrp-edge";

function envelope() {
  return { v: 1 as const, id: newEventId(), at: nowIso() };
}

function result(outcome: CommandOutcome & { body?: string; totalBytes?: number }): Uint8Array {
  return msrpCommandResultCodec.encode({ ...envelope(), ok: true, ...outcome });
}

/** Runs a command; MSRP failures become `{ ok: false, status }`, connect failures `unavailable`. */
async function command(run: () => Promise<Uint8Array>): Promise<Uint8Array> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof MsrpCommandFailure) {
      const failure: MsrpCommandResult = {
        ...envelope(),
        ok: false,
        error: { code: error.failureCode, message: error.message, isRetryable: error.isRetryable },
        status: error.status,
      };
      return msrpCommandResultCodec.encode(failure);
    }
    if (error instanceof MsrpConnectError)
      throw new GatewayFailure("unavailable", error.message, true, { cause: error });
    throw error;
  }
}

/** Subscribes session.open (shared) and this instance's `stox.v1.msrp.out.<edge>.*` commands (open included). */
export function startBusHandlers(edge: MsrpEdge, logger: Logger, metrics: Metrics): Subscription[] {
  const base = { bus: edge.bus, queue: MSRP_EDGE_QUEUE, logger, metrics };
  const out = (action: Parameters<typeof msrpOutSubject>[1]) => msrpOutSubject(edge.config.instanceId, action);
  const find = (handle: string): MsrpSession => {
    const session = edge.sessions.get(handle);
    if (!session) throw new MsrpSessionNotFoundError(handle);
    return session;
  };
  const open = async (request: MsrpSessionOpen) => {
    const opened = await openSession(edge, request);
    return msrpSessionOpenedCodec.encode({
      ...envelope(),
      ok: true,
      session: opened.session.handle,
      edge: edge.config.instanceId,
      localPath: opened.localPath,
      setup: opened.setup,
      sdp: opened.sdp,
    });
  };
  return [
    serveRequests({ ...base, subject: MSRP_SESSION_OPEN, codec: msrpSessionOpenCodec, handle: open }),
    serveRequests({ ...base, subject: out("open"), codec: msrpSessionOpenAtCodec, handle: open }),
    serveRequests({
      ...base,
      subject: out("update"),
      codec: msrpSessionUpdateCodec,
      handle: (request) =>
        command(async () => {
          const session = find(request.session);
          try {
            await updateSession(edge, session, request.remote);
          } catch (error) {
            if (error instanceof MsrpConnectError) edge.closeSession(session, "failed", error.message);
            throw error;
          }
          return result({});
        }),
    }),
    serveRequests({
      ...base,
      subject: out("close"),
      codec: msrpSessionCloseCodec,
      async handle(request) {
        edge.closeSession(find(request.session), "requested", request.reason);
        return result({});
      },
    }),
    serveRequests({
      ...base,
      subject: out("send"),
      codec: msrpSendCommandCodec,
      handle: (request) => command(async () => result(await sendMessage(edge, find(request.session), request))),
    }),
    serveRequests({
      ...base,
      subject: out("report"),
      codec: msrpReportCommandCodec,
      handle: (request) => command(async () => result(await sendReport(edge, find(request.session), request))),
    }),
    serveRequests({
      ...base,
      subject: out("nickname"),
      codec: msrpNicknameCommandCodec,
      handle: (request) => command(async () => result(await sendNickname(edge, find(request.session), request))),
    }),
    serveRequests({
      ...base,
      subject: out("body"),
      codec: msrpBodyFetchCodec,
      async handle(request) {
        const body = find(request.session).bodies.get(request.bodyRef);
        if (body === undefined) throw new GatewayFailure("not-found", "no such body (the event was already answered)");
        const slice = body.subarray(request.offset, request.offset + request.length);
        return result({
          body: Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength).toString("base64"),
          totalBytes: body.length,
        });
      },
    }),
  ];
}

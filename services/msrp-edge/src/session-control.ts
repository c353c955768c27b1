import type { MsrpRemoteDescription, MsrpSessionOpen } from "@stox/events";
import { formatMsrpUri, MsrpParseError, parseMsrpUri } from "@stox/msrp-lite";
import { GatewayFailure } from "@stox/service-kit";
import type { MsrpEdge } from "./edge.js";
import { newSessionHandle } from "./edge.js";
import { sdpAttributes } from "./sdp-attributes.js";
import type { MsrpSession, RemoteEndpoint } from "./session.js";
import { decideAfterAnswer, decideAnswerSetup, decideOfferSetup } from "./setup-role.js";

export type OpenRequest = Omit<MsrpSessionOpen, "v" | "id" | "at">;

export interface OpenResult {
  readonly session: MsrpSession;
  readonly localPath: string[];
  readonly setup: "active" | "passive" | "actpass";
  readonly sdp: { host: string; port: number; proto: "TCP/MSRP" | "TCP/TLS/MSRP"; attributes: string[] };
}

function toRemote(remote: MsrpRemoteDescription): RemoteEndpoint {
  try {
    // MSRP-SDP-03 / MSRP-RELAY-01: keep the whole path; the leftmost URI is where we connect.
    const path = remote.path.map((text) => parseMsrpUri(text));
    return {
      path,
      ...(remote.acceptTypes ? { acceptTypes: remote.acceptTypes } : {}),
      ...(remote.acceptWrappedTypes ? { acceptWrappedTypes: remote.acceptWrappedTypes } : {}),
      ...(remote.maxSize !== undefined ? { maxSize: remote.maxSize } : {}),
    };
  } catch (error) {
    if (error instanceof MsrpParseError)
      throw new GatewayFailure("bad-request", error.message, false, { cause: error });
    throw error;
  }
}

/** Opens a session for an offer or an answer and returns what goes into our SDP. */
export async function openSession(edge: MsrpEdge, request: OpenRequest): Promise<OpenResult> {
  const isSecure = request.isSecure === true;
  if (isSecure && !edge.hasTls) throw new GatewayFailure("not-implemented", "this edge has no TLS listener");
  if (edge.sessions.size >= edge.config.maxSessions) {
    throw new GatewayFailure("rate-limited", "session limit reached", true);
  }
  if (request.role === "answerer" && request.remote === undefined) {
    throw new GatewayFailure("bad-request", "an answerer needs the offer's remote description");
  }
  const remote = request.remote ? toRemote(request.remote) : undefined;
  const decision = request.role === "offerer" ? decideOfferSetup() : decideAnswerSetup(request.remote?.setup);
  const session = edge.sessions.create({
    handle: newSessionHandle(),
    owner: request.owner,
    ...(request.context ? { context: request.context } : {}),
    isSecure,
    acceptTypes: request.acceptTypes ?? edge.config.acceptTypes,
    acceptWrappedTypes: request.acceptWrappedTypes ?? edge.config.acceptWrappedTypes,
    maxSize: request.maxSize ?? edge.config.maxMessageBytes,
  });
  session.remote = remote;
  session.isActive = decision.isActive;
  if (session.isActive === true) startConnect(edge, session);
  const localPath = [formatMsrpUri(session.localUri)];
  return {
    session,
    localPath,
    setup: decision.local,
    sdp: {
      host: session.localUri.host,
      port: session.localUri.port ?? 0,
      proto: isSecure ? "TCP/TLS/MSRP" : "TCP/MSRP", // MSRP-SDP-01
      attributes: sdpAttributes({
        path: localPath,
        acceptTypes: session.acceptTypes,
        acceptWrappedTypes: session.acceptWrappedTypes,
        maxSize: session.maxSize,
        setup: decision.local,
      }),
    },
  };
}

/** The offerer learns the answer: store the peer's path and connect when we are active. */
export async function updateSession(
  edge: MsrpEdge,
  session: MsrpSession,
  remote: MsrpRemoteDescription,
): Promise<void> {
  session.remote = toRemote(remote);
  session.lastActivityMs = edge.now();
  if (session.isActive === undefined) session.isActive = decideAfterAnswer(remote.setup);
  if (session.isActive && !session.connection) await edge.connect(session);
}

function startConnect(edge: MsrpEdge, session: MsrpSession): void {
  edge.connect(session).catch((error: unknown) => {
    edge.reportError(error instanceof Error ? error : new Error(String(error)), { where: "connect" });
    edge.closeSession(session, "failed", "could not connect to the peer");
  });
}

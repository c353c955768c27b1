import type { GatewayErrorCode } from "@stox/events";
import { GatewayFailure } from "@stox/service-kit";

/** A command failed with an MSRP status (received from the peer, or decided locally such as 413/415). */
export class MsrpCommandFailure extends GatewayFailure {
  readonly code = "STOX_MSRP_EDGE_COMMAND";
  constructor(
    failureCode: GatewayErrorCode,
    message: string,
    readonly status: number,
    options?: ErrorOptions,
  ) {
    super(failureCode, message, failureCode === "timeout", options);
  }
}

/** An outgoing MSRP connection could not be opened (refused, TLS failure, timeout, limit reached). */
export class MsrpConnectError extends Error {
  override readonly name = "MsrpConnectError";
  readonly code = "STOX_MSRP_EDGE_CONNECT";
  constructor(
    message: string,
    readonly authority: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A session handle that this edge does not hold (closed, idle-timed-out, or another instance's). */
export class MsrpSessionNotFoundError extends GatewayFailure {
  readonly code = "STOX_MSRP_EDGE_SESSION_NOT_FOUND";
  constructor(readonly session: string) {
    super("not-found", `no MSRP session ${session} at this edge`);
  }
}

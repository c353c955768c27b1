import type { GatewayErrorCode } from "@stox/events";

/**
 * MSRP status for a mapper's refusal (RFC 4975 §10, RFC 7701 §8). MSRP has few codes, so several
 * gateway errors share one: what cannot be delivered is 403, what is too large 413, what the far side
 * does not understand 415. The mapper may name the exact status instead (e.g. 424/425 for NICKNAME).
 */
export function msrpStatusForError(code: GatewayErrorCode): number {
  switch (code) {
    case "bad-request":
      return 400;
    case "not-found":
      return 404; // RFC 7701 §6.2: unknown private-message recipient
    case "not-acceptable":
      return 415;
    case "too-large":
      return 413;
    case "timeout":
      // RFC 4975 §10.4: 408 reports a downstream timeout; the gateway stands where a relay would.
      return 408;
    case "not-implemented":
      return 501;
    default:
      // forbidden, rate-limited, unavailable, internal: the action is not allowed now (RFC 4975 §10.3).
      return 403;
  }
}

/** Gateway error code for an MSRP failure status we received, for replies to mappers. */
export function errorForMsrpStatus(status: number): GatewayErrorCode {
  switch (status) {
    case 400:
      return "bad-request";
    case 404:
      return "not-found";
    case 408:
      return "timeout";
    case 413:
      return "too-large";
    case 415:
      return "not-acceptable";
    case 481:
      return "not-found";
    case 501:
      return "not-implemented";
    default:
      return "forbidden";
  }
}

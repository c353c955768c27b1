import type { GatewayError, GatewayErrorCode } from "@stox/events";
import { createStanzaError, type StanzaError, xmppErrorToSip } from "@stox/stox-core";

/** The protocol-neutral code that goes with a stanza error in an xmpp.in reply (the edge may use either). */
export function gatewayCodeFor(condition: string): GatewayErrorCode {
  switch (condition) {
    case "forbidden":
    case "not-authorized":
    case "not-allowed":
      return "forbidden";
    case "item-not-found":
    case "remote-server-not-found":
    case "gone":
      return "not-found";
    case "not-acceptable":
      return "not-acceptable";
    case "policy-violation":
      return "too-large";
    case "resource-constraint":
      return "rate-limited";
    case "remote-server-timeout":
      return "timeout";
    case "service-unavailable":
    case "recipient-unavailable":
      return "unavailable";
    case "feature-not-implemented":
      return "not-implemented";
    case "internal-server-error":
    case "undefined-condition":
      return "internal";
    default:
      return "bad-request";
  }
}

/**
 * CORE-ERR-17 (X2S): the stanza error for a failure the sip-edge reports instead of a response: timeouts and
 * connection trouble are `remote-server-timeout`, an unresolvable target `remote-server-not-found`.
 */
export function stanzaErrorForSipFailure(error: GatewayError): StanzaError {
  switch (error.code) {
    case "not-found":
      return createStanzaError("remote-server-not-found", { text: error.message });
    case "timeout":
    case "unavailable":
      return createStanzaError("remote-server-timeout", { text: error.message });
    case "rate-limited":
      return createStanzaError("resource-constraint", { text: error.message });
    case "too-large":
      return createStanzaError("policy-violation", { text: error.message });
    case "forbidden":
      return createStanzaError("forbidden", { text: error.message });
    case "bad-request":
      return createStanzaError("bad-request", { text: error.message });
    default:
      return createStanzaError("internal-server-error", { text: error.message });
  }
}

/** A SIP final response for the S2X (status, reason, extra headers). */
export interface SipAnswer {
  readonly status: number;
  readonly reason: string;
  readonly headers?: readonly [string, string][];
}

const RETRY_AFTER_SECONDS = "5";

/**
 * IM-S2X-14 / CORE-ERR-17 (S2X): the SIP response when the xmpp-edge could not take the stanza, through
 * Table A where a stanza condition applies (unknown domain 404, link timeout 408); a link that is down or
 * a gateway that is overloaded is a whole-gateway condition, so 503 with Retry-After.
 */
export function sipAnswerForXmppFailure(error: GatewayError): SipAnswer {
  const viaTableA = (condition: string): SipAnswer => {
    const mapped = xmppErrorToSip({ condition });
    return { status: mapped.status, reason: mapped.reasonPhrase };
  };
  switch (error.code) {
    case "not-found":
      return viaTableA("remote-server-not-found");
    case "timeout":
      return viaTableA("remote-server-timeout");
    case "forbidden":
      return { status: 403, reason: "Forbidden" };
    case "too-large":
      return { status: 413, reason: "Request Entity Too Large" };
    case "bad-request":
      return { status: 400, reason: "Bad Request" };
    case "not-acceptable":
      return { status: 488, reason: "Not Acceptable Here" };
    case "not-implemented":
      return { status: 501, reason: "Not Implemented" };
    case "unavailable":
    case "rate-limited":
      return { status: 503, reason: "Service Unavailable", headers: [["Retry-After", RETRY_AFTER_SECONDS]] };
    case "internal":
      return { status: 500, reason: "Server Internal Error" };
  }
}

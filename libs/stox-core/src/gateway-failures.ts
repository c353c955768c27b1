import { createStanzaError, type StanzaError } from "./stanza-error.js";
import type { SipErrorResponse } from "./xmpp-to-sip-error.js";
import { xmppErrorToSip } from "./xmpp-to-sip-error.js";

/** Failures the X2S detects itself while trying to reach SIP (CORE-ERR-17). */
export type X2SFailure = "dns-failure" | "connect-failure" | "tls-failure" | "transaction-timeout" | "overload";

/** Failures the S2X detects itself while trying to reach XMPP (CORE-ERR-17). */
export type S2XFailure = "s2s-host-not-found" | "s2s-unresolvable" | "s2s-timeout" | "overload";

/**
 * The stanza error for a failure the X2S detected, as if the SIP side had answered (CORE-ERR-17):
 * DNS/SRV failure -> remote-server-not-found; connection, TLS and Timer B/F -> remote-server-timeout;
 * overload -> resource-constraint.
 */
export function x2sFailureToXmppError(failure: X2SFailure, text?: string): StanzaError {
  switch (failure) {
    case "dns-failure":
      return createStanzaError("remote-server-not-found", { text });
    case "connect-failure":
    case "tls-failure":
    case "transaction-timeout":
      return createStanzaError("remote-server-timeout", { text });
    case "overload":
      return createStanzaError("resource-constraint", { text });
  }
}

/** A SIP response for an S2X-detected failure; `retryAfterSeconds` is set only with 503. */
export interface GatewaySipResponse extends SipErrorResponse {
  readonly retryAfterSeconds?: number;
}

/**
 * The SIP response for a failure the S2X detected (CORE-ERR-17): s2s failures go through Table A as
 * `<remote-server-not-found/>` (404, or 408 when unresolvable) or `<remote-server-timeout/>` (408); local
 * overload is 500, or 503 with Retry-After when `retryAfterSeconds` is given (a whole-gateway condition).
 */
export function s2xFailureToSipResponse(failure: S2XFailure, retryAfterSeconds?: number): GatewaySipResponse {
  switch (failure) {
    case "s2s-host-not-found":
      return xmppErrorToSip({ condition: "remote-server-not-found", remoteServer: "does-not-exist" });
    case "s2s-unresolvable":
      return xmppErrorToSip({ condition: "remote-server-not-found", remoteServer: "unresolvable" });
    case "s2s-timeout":
      return xmppErrorToSip({ condition: "remote-server-timeout" });
    case "overload":
      return retryAfterSeconds === undefined
        ? { status: 500, reasonPhrase: "Server Internal Error" }
        : { status: 503, reasonPhrase: "Service Unavailable", retryAfterSeconds };
  }
}

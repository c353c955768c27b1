import { createResponse, type SipRequest, type SipResponse } from "@stox/sip-parser";
import type { Source } from "../transport/types.js";
import type { CidrSet } from "./cidr.js";
import type { DigestAuthenticator } from "./digest.js";
import type { RateLimiter } from "./rate-limiter.js";

export interface AccessControlOptions {
  /** Peers admitted without authentication (the SIP proxies of the served domains). */
  readonly trusted: CidrSet;
  /** Digest for everyone else; when absent, untrusted peers get 403. */
  readonly digest?: DigestAuthenticator;
  readonly rateLimiter?: RateLimiter;
}

/**
 * Who may talk to the edge. Order: per-source rate limit (503 + Retry-After, RFC 3261 §21.5.4),
 * trusted networks, then digest (401 with challenges). With neither a trust list nor digest every
 * peer is admitted (development mode). ACK and CANCEL are never challenged (RFC 3261 §22.1).
 */
export function checkAccess(
  request: SipRequest,
  source: Source,
  options: AccessControlOptions,
): SipResponse | undefined {
  if (request.method === "ACK") return undefined;
  const wait = options.rateLimiter?.take(source.remote.address) ?? 0;
  if (wait > 0) {
    return createResponse(request, 503, { reason: "Rate Limited", headers: [["Retry-After", String(wait)]] });
  }
  if (options.trusted.has(source.remote.address)) return undefined;
  // Mutual TLS: a client certificate verified by the configured CA is a trusted hop (CORE-SEC-06).
  if (source.isTlsVerified === true) return undefined;
  if (options.digest === undefined) {
    return options.trusted.isEmpty ? undefined : createResponse(request, 403);
  }
  if (request.method === "CANCEL") return undefined;
  const verdict = options.digest.verify(request.method, request.headerValues("authorization"));
  if (verdict.ok) return undefined;
  return createResponse(request, 401, {
    headers: options.digest.challenges(verdict.isStale).map((c) => ["WWW-Authenticate", c] as [string, string]),
  });
}

import type { GatewayErrorCode } from "@stox/events";

/**
 * Gateway error kinds as SIP final responses (STYLE §4: errors are mapped only at the edges).
 * Retryable kinds carry Retry-After (RFC 3261 §20.33) so the peer backs off instead of hammering.
 */
const STATUS: Record<GatewayErrorCode, number> = {
  "bad-request": 400,
  forbidden: 403,
  "not-found": 404,
  "not-acceptable": 488,
  "too-large": 413,
  "rate-limited": 503,
  timeout: 504,
  unavailable: 503,
  "not-implemented": 501,
  internal: 500,
};

export interface SipErrorAnswer {
  readonly status: number;
  readonly retryAfterSeconds?: number;
}

export function sipStatusForError(
  code: GatewayErrorCode,
  isRetryable: boolean,
  retryAfterSeconds: number,
): SipErrorAnswer {
  const status = STATUS[code];
  return status === 503 || (isRetryable && status >= 500) ? { status, retryAfterSeconds } : { status };
}

/** The parts of a rejected request that an edge copies into its error response (RFC 3261 §8.2.6.2). */
export interface SipErrorContext {
  /** Request-Line fields when the start line parsed as a request. */
  readonly requestLine?: { readonly method: string; readonly uri: string; readonly version: string };
  /** Status code when the start line parsed as a response (responses are dropped, never answered). */
  readonly statusCode?: number;
  /** Raw header values, unfolded, in message order; absent when the header was missing. */
  readonly via: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly callId?: string;
  readonly cseq?: string;
}

export interface SipParseErrorOptions extends ErrorOptions {
  /** Character offset into the header text (or byte offset for framing errors) where parsing stopped. */
  readonly offset?: number;
  /** Suggested final response status: 400, 413, 416, 501, 505, 513. */
  readonly status?: number;
  readonly context?: SipErrorContext;
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  413: "Request Entity Too Large",
  416: "Unsupported URI Scheme",
  501: "Not Implemented",
  505: "Version Not Supported",
  513: "Message Too Large",
};

/**
 * The one error every parser in this package throws, whatever the input.
 * `status`/`reason` say how to answer; `context` carries what is needed to build that answer.
 */
export class SipParseError extends Error {
  override readonly name = "SipParseError";
  readonly code = "STOX_SIP_PARSE";
  readonly offset: number;
  readonly status: number;
  readonly reason: string;
  readonly context: SipErrorContext | undefined;

  constructor(message: string, options: SipParseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.offset = options.offset ?? -1;
    this.status = options.status ?? 400;
    this.reason = REASONS[this.status] ?? "Bad Request";
    this.context = options.context;
  }

  /**
   * True when the failed message was a request whose Via, From, To, Call-ID and CSeq were all
   * present, so an edge can send `status` back (RFC 3261 §8.2.6.2). Responses and ACKs are never answered.
   */
  get isAnswerable(): boolean {
    const c = this.context;
    // RFC 3261 §17.2.3 / §8.2: an ACK is never answered.
    return (
      c?.requestLine !== undefined &&
      c.requestLine.method !== "ACK" &&
      c.via.length > 0 &&
      c.from !== undefined &&
      c.to !== undefined &&
      c.callId !== undefined &&
      c.cseq !== undefined
    );
  }
}

/** Internal shorthand: build the error for a syntax problem at `offset`. */
export function syntaxError(message: string, offset: number, status = 400): SipParseError {
  return new SipParseError(message, { offset, status });
}

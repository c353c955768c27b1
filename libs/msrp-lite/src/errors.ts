import type { MsrpUri } from "./types.js";

/** What a receiver knows about the request a parse error belongs to, enough to answer it. */
export interface MsrpRequestContext {
  /** Transaction id from the start line, when the start line was readable. */
  readonly transactionId?: string;
  /** Method of the request; absent when the failing frame was a response or unreadable. */
  readonly method?: string;
  /** From-Path URIs, when that header was parsed (the response goes back along it). */
  readonly fromPath?: readonly MsrpUri[];
  /** To-Path URIs, when parsed. */
  readonly toPath?: readonly MsrpUri[];
  /** Failure-Report value, when parsed (`no` means: never answer). */
  readonly failureReport?: string;
  /** Message-ID, when parsed. */
  readonly messageId?: string;
}

/**
 * Thrown by every MSRP parser in this package (messages, URIs, the stream framer), whatever the input.
 * `statusCode` is the MSRP status a receiver answers with (400 malformed, 413 too large, ...);
 * `isFatal` means the byte stream cannot be resynchronised and the connection should be closed.
 */
export class MsrpParseError extends Error {
  override readonly name = "MsrpParseError";
  readonly code = "STOX_MSRP_PARSE";
  readonly statusCode: number;
  readonly offset: number;
  readonly isFatal: boolean;
  readonly context: MsrpRequestContext;

  constructor(
    message: string,
    details: { statusCode?: number; offset?: number; isFatal?: boolean; context?: MsrpRequestContext } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.statusCode = details.statusCode ?? 400;
    this.offset = details.offset ?? 0;
    this.isFatal = details.isFatal ?? false;
    this.context = details.context ?? {};
  }

  /** Transaction id of the failing frame, when known. */
  get transactionId(): string | undefined {
    return this.context.transactionId;
  }
}

/** Thrown when asked to serialize a message that would not be valid MSRP on the wire. */
export class MsrpSerializeError extends Error {
  override readonly name = "MsrpSerializeError";
  readonly code = "STOX_MSRP_SERIALIZE";
}

/** A message is larger than a configured limit (`a=max-size`, reassembly limit). Answer 413. */
export class MsrpMessageTooLargeError extends Error {
  override readonly name = "MsrpMessageTooLargeError";
  readonly code = "STOX_MSRP_TOO_LARGE";
  readonly statusCode = 413;
  constructor(
    message: string,
    readonly messageId: string | undefined,
    readonly limitBytes: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Chunks of one message contradict each other (Byte-Range totals, positions). Answer 400. */
export class MsrpReassemblyError extends Error {
  override readonly name = "MsrpReassemblyError";
  readonly code = "STOX_MSRP_REASSEMBLY";
  readonly statusCode = 400;
  constructor(
    message: string,
    readonly messageId: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A `message/cpim` body could not be parsed (RFC 3862). */
export class CpimParseError extends Error {
  override readonly name = "CpimParseError";
  readonly code = "STOX_CPIM_PARSE";
  constructor(
    message: string,
    readonly offset: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A transaction id is reused while still pending (RFC 4975 §7.1, MSRP-FMT-01). */
export class MsrpTransactionError extends Error {
  override readonly name = "MsrpTransactionError";
  readonly code = "STOX_MSRP_TRANSACTION";
  constructor(
    message: string,
    readonly transactionId: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

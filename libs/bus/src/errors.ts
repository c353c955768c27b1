/** Base of every error the bus throws; `code` is stable across processes (see libs/service-kit/ERRORS.md). */
export abstract class BusError extends Error {
  abstract readonly code: string;
  /** Whether trying the same operation again later may succeed. */
  abstract readonly isRetryable: boolean;
}

export class NoRespondersError extends BusError {
  override readonly name = "NoRespondersError";
  readonly code = "STOX_BUS_NO_RESPONDERS";
  readonly isRetryable = true;
  constructor(
    readonly subject: string,
    options?: ErrorOptions,
  ) {
    super(`no responders for ${subject}`, options);
  }
}

export class RequestTimeoutError extends BusError {
  override readonly name = "RequestTimeoutError";
  readonly code = "STOX_BUS_TIMEOUT";
  readonly isRetryable = true;
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`request to ${subject} timed out after ${timeoutMs} ms`, options);
  }
}

export class KvConflictError extends BusError {
  override readonly name = "KvConflictError";
  readonly code = "STOX_BUS_KV_CONFLICT";
  readonly isRetryable = true;
  constructor(
    readonly bucket: string,
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(`kv ${bucket}/${key}: revision conflict`, options);
  }
}

/** JetStream refused or garbled a KV write for a reason other than a revision conflict. */
export class KvWriteError extends BusError {
  override readonly name = "KvWriteError";
  readonly code = "STOX_BUS_KV_WRITE";
  readonly isRetryable = true;
  constructor(
    readonly bucket: string,
    readonly key: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`kv ${bucket}/${key}: ${reason}`, options);
  }
}

export class InvalidSubjectError extends BusError {
  override readonly name = "InvalidSubjectError";
  readonly code = "STOX_BUS_BAD_SUBJECT";
  readonly isRetryable = false;
  constructor(
    readonly subject: string,
    reason: string,
  ) {
    super(`invalid subject ${JSON.stringify(subject)}: ${reason}`);
  }
}

export class InvalidKvKeyError extends BusError {
  override readonly name = "InvalidKvKeyError";
  readonly code = "STOX_BUS_BAD_KV_KEY";
  readonly isRetryable = false;
  constructor(readonly key: string) {
    super(`invalid kv key ${JSON.stringify(key)}: use [-_=/.A-Za-z0-9] (encode addresses with toKvKey)`);
  }
}

export class PayloadTooLargeError extends BusError {
  override readonly name = "PayloadTooLargeError";
  readonly code = "STOX_BUS_PAYLOAD_TOO_LARGE";
  readonly isRetryable = false;
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`payload of ${bytes} bytes exceeds the bus limit of ${maxBytes}`);
  }
}

export class BusClosedError extends BusError {
  override readonly name = "BusClosedError";
  readonly code = "STOX_BUS_CLOSED";
  readonly isRetryable = false;
  constructor(options?: ErrorOptions) {
    super("the bus is closed or draining", options);
  }
}

export class BusConnectionError extends BusError {
  override readonly name = "BusConnectionError";
  readonly code = "STOX_BUS_CONNECTION";
  readonly isRetryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

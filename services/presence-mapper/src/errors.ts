/** A PIDF body could not be read: not well-formed, a DTD or entity, the wrong root, or over a limit. */
export class PidfParseError extends Error {
  override readonly name = "PidfParseError";
  readonly code = "STOX_PRESENCE_PIDF_PARSE";
  readonly isRetryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** A subscription record in KV could not be written because another instance changed it first, repeatedly. */
export class SubscriptionConflictError extends Error {
  override readonly name = "SubscriptionConflictError";
  readonly code = "STOX_PRESENCE_CONFLICT";
  readonly isRetryable = true;
  constructor(
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(`subscription record ${key} kept changing under us`, options);
  }
}

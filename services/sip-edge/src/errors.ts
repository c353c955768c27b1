/** A SIP message could not be sent: no listener for the transport, connect failed, socket error. */
export class SipTransportError extends Error {
  override readonly name = "SipTransportError";
  readonly code = "STOX_SIP_TRANSPORT";
  readonly isRetryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** An outgoing request's destination could not be resolved (RFC 3263). */
export class SipResolveError extends Error {
  override readonly name = "SipResolveError";
  readonly code = "STOX_SIP_RESOLVE";
  readonly isRetryable = true;
  constructor(
    message: string,
    readonly target: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A command named a dialog the store does not hold (expired, ended, or never made). */
export class SipDialogNotFoundError extends Error {
  override readonly name = "SipDialogNotFoundError";
  readonly code = "STOX_SIP_DIALOG_NOT_FOUND";
  readonly isRetryable = false;
  constructor(
    readonly dialogId: string,
    options?: ErrorOptions,
  ) {
    super(`dialog ${dialogId} is not in the store`, options);
  }
}

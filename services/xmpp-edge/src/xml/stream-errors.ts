/**
 * Stream-level failures (RFC 6120 §4.9): the stream is closed with `<stream:error>` carrying `condition`.
 * Raised by the parser guard and by the stream handlers; never crosses the bus.
 */
export type StreamErrorCondition =
  | "bad-format"
  | "conflict"
  | "connection-timeout"
  | "host-unknown"
  | "improper-addressing"
  | "internal-server-error"
  | "invalid-from"
  | "invalid-namespace"
  | "not-authorized"
  | "not-well-formed"
  | "policy-violation"
  | "remote-connection-failed"
  | "reset"
  | "resource-constraint"
  | "restricted-xml"
  | "see-other-host"
  | "system-shutdown"
  | "undefined-condition"
  | "unsupported-encoding"
  | "unsupported-feature"
  | "unsupported-stanza-type"
  | "unsupported-version";

/** The peer broke a stream rule; the stream must close with this condition. */
export class XmppStreamError extends Error {
  override readonly name = "XmppStreamError";
  readonly code = "STOX_XMPP_STREAM";
  constructor(
    readonly condition: StreamErrorCondition,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The peer closed the stream with `<stream:error>`: what it said. */
export class XmppRemoteStreamError extends Error {
  override readonly name = "XmppRemoteStreamError";
  readonly code = "STOX_XMPP_REMOTE_STREAM";
  constructor(
    readonly condition: string,
    readonly text: string | undefined,
    options?: ErrorOptions,
  ) {
    super(`peer closed the stream: ${condition}${text ? ` (${text})` : ""}`, options);
  }
}

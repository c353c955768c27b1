/** A peer or service did not become ready, or an awaited stanza/response did not arrive, in time. */
export class HarnessTimeoutError extends Error {
  override readonly name = "HarnessTimeoutError";
  readonly code = "STOX_HARNESS_TIMEOUT";
  constructor(
    message: string,
    /** Where the logs of the thing that timed out were kept, if anywhere. */
    readonly artifactsDir?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A process the harness started exited early or could not be started. */
export class HarnessProcessError extends Error {
  override readonly name = "HarnessProcessError";
  readonly code = "STOX_HARNESS_PROCESS";
  constructor(
    message: string,
    readonly command: string,
    readonly exitCode: number | null,
    readonly artifactsDir?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

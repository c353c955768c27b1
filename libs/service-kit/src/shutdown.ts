import type { Logger } from "@stox/telemetry";

/**
 * On SIGTERM or SIGINT: run `stop` (which drains in-flight work), then exit 0; if it takes longer than
 * `timeoutMs`, exit 1 anyway. A second signal exits at once. For process entry points only.
 */
export function exitOnSignals(logger: Logger, stop: () => Promise<void>, timeoutMs: number): void {
  let isStopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (isStopping) {
      logger.warn({ signal }, "second signal, exiting now");
      process.exit(1);
    }
    isStopping = true;
    logger.info({ signal, timeoutMs }, "signal received, draining");
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, "drain timed out, exiting");
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

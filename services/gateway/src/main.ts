import { ConfigError, exitOnSignals } from "@stox/service-kit";
import { startGateway } from "./start-gateway.js";

// The stox process: every configured service on the in-memory bus by default; NATS_URL switches to NATS;
// STOX_SERVICES=<name> runs one service per process (the Kubernetes layout).
try {
  const { host, skipped } = await startGateway(process.env);
  host.logger.info(
    {
      bus: host.config.bus,
      services: host.serviceNames,
      skipped: skipped.map((s) => s.name),
      http: `http://${host.config.httpHost}:${host.httpPort}`,
    },
    "stox ready",
  );
  exitOnSignals(host.logger, host.stop, host.config.drainTimeoutMs);
} catch (err) {
  // Before a logger exists: one JSON line on stderr that says what to fix.
  const message = err instanceof ConfigError ? `invalid configuration: ${err.message}` : String(err);
  process.stderr.write(`${JSON.stringify({ level: "fatal", msg: message, code: (err as { code?: string }).code })}\n`);
  process.exit(err instanceof ConfigError ? 78 : 1);
}

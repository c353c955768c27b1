import { type Bus, connectNatsBus, createMemoryBus, tracedBus } from "@stox/bus";
import { createLogger, createMetrics, type Logger, type Metrics, startTracing } from "@stox/telemetry";
import { type Env, loadEnv, redact } from "./config.js";
import { type HealthServer, type ReadinessReport, startHealthServer } from "./health-server.js";
import { type HostConfig, loadHostConfig } from "./host-config.js";
import type { RunningService, ServiceDefinition } from "./service.js";

export interface HostOptions {
  /** Name of the process for logs, metrics and the NATS connection: "gateway" or a service name. */
  readonly name: string;
  readonly env: Env;
  /** Started in this order, stopped in reverse. */
  readonly services: readonly ServiceDefinition[];
}

export interface Host {
  readonly config: HostConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly bus: Bus;
  readonly httpPort: number;
  readonly serviceNames: readonly string[];
  readiness(): ReadinessReport;
  /** Drain: readiness goes false, services stop (finishing in-flight work), the bus drains. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a set of services on one bus in this process, with health, readiness and metrics over HTTP.
 * Config errors are thrown before anything starts (ConfigError names the variable).
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const env = loadEnv(options.env);
  const config = loadHostConfig(env);
  const serviceConfigs = options.services.map((s) => s.loadConfig(env));

  const logger = createLogger({ service: options.name, level: config.logLevel });
  const metrics = createMetrics({ service: options.name, collectDefault: true });
  const tracing = startTracing({
    service: options.name,
    exporter: config.tracesExporter,
    ...(config.otlpTracesEndpoint ? { otlpEndpoint: config.otlpTracesEndpoint } : {}),
    asyncContext: config.traceContext === "on",
  });
  const busErrors = metrics.counter("bus_errors_total", "Errors with no caller: handler failures, connection trouble", [
    "code",
  ]);
  const onError = (error: Error, ctx: { subject?: string }) => {
    busErrors.inc({ code: (error as { code?: string }).code ?? error.name });
    logger.error({ err: error, subject: ctx.subject }, "bus error");
  };
  const rawBus =
    config.bus === "nats"
      ? await connectNatsBus({
          url: config.natsUrl,
          name: options.name,
          onError,
          ...(config.natsUser ? { user: config.natsUser, pass: config.natsPassword ?? "" } : {}),
          ...(config.natsToken ? { token: config.natsToken } : {}),
        })
      : createMemoryBus({ onError });
  // STOX_TRACE_CONTEXT=off: no traceparent on the bus and no span per hop (see HostConfig.traceContext).
  const bus = config.traceContext === "on" ? tracedBus(rawBus, { tracer: tracing.tracer }) : rawBus;
  logger.info({ config: redact(config), services: options.services.map((s) => s.name) }, "starting");

  const running: { name: string; service: RunningService }[] = [];
  try {
    for (const [i, definition] of options.services.entries()) {
      const service = await definition.start({
        config: serviceConfigs[i],
        bus,
        logger: logger.child({ component: definition.name }),
        metrics: createMetrics({ service: definition.name, registry: metrics.registry }),
        tracer: tracing.tracer,
      });
      running.push({ name: definition.name, service });
      logger.info({ component: definition.name }, "service started");
    }
  } catch (err) {
    for (const r of running.reverse()) await r.service.stop().catch(() => undefined);
    await bus.drain().catch(() => undefined);
    throw err;
  }

  let isDraining = false;
  const readiness = (): ReadinessReport => {
    const checks: Record<string, boolean> = { bus: bus.isConnected() };
    for (const r of running) checks[r.name] = r.service.isReady();
    return { isReady: !isDraining && Object.values(checks).every(Boolean), checks };
  };
  let health: HealthServer;
  try {
    health = await startHealthServer({
      host: config.httpHost,
      port: config.httpPort,
      readiness,
      metrics: metrics.render,
    });
  } catch (err) {
    for (const r of running.reverse()) await r.service.stop().catch(() => undefined);
    await bus.drain().catch(() => undefined);
    throw err;
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      isDraining = true;
      logger.info("draining");
      for (const r of [...running].reverse()) {
        await r.service.stop().catch((err: unknown) => logger.error({ err, component: r.name }, "stop failed"));
      }
      await bus.drain().catch((err: unknown) => logger.error({ err }, "bus drain failed"));
      await health.close();
      await tracing.shutdown().catch(() => undefined);
      logger.info("stopped");
    })();
    return stopping;
  };

  return {
    config,
    logger,
    metrics,
    bus,
    httpPort: health.port,
    serviceNames: running.map((r) => r.name),
    readiness,
    stop,
  };
}

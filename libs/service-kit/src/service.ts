import type { Tracer } from "@opentelemetry/api";
import type { Bus } from "@stox/bus";
import type { Logger, Metrics } from "@stox/telemetry";
import type { Env } from "./config.js";

/** What a service gets when it starts. Everything is passed in; a service opens no bus of its own. */
export interface ServiceContext<C> {
  readonly config: C;
  readonly bus: Bus;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
}

/** A started service. */
export interface RunningService {
  /** Whether it can take traffic now (sockets bound, upstream connected). Feeds /readyz. */
  isReady(): boolean;
  /** Stop taking new work, finish what is in flight, release sockets. */
  stop(): Promise<void>;
}

/**
 * A service is a folder under services/ that exports one of these: how to read its config from the
 * environment, and how to start it on a bus. The gateway runs any set of them in one process.
 */
export interface ServiceDefinition<C = unknown> {
  readonly name: string;
  loadConfig(env: Env): C;
  start(ctx: ServiceContext<C>): Promise<RunningService>;
}

/** Erases the config type so definitions of different services fit in one list. */
export function defineService<C>(definition: ServiceDefinition<C>): ServiceDefinition<unknown> {
  return definition as ServiceDefinition<unknown>;
}

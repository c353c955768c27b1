import type { ServiceDefinition } from "@stox/service-kit";

/**
 * Every service the gateway can run, in start order (mappers before edges, so that by the time an edge takes
 * traffic, something answers on the bus). A new service adds one line here.
 */
export const registry: readonly ServiceDefinition[] = [];

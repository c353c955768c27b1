import { describe } from "vitest";
import { defineInboundFlows } from "./flows-inbound.js";
import { defineOutboundFlows } from "./flows-outbound.js";
import { defineTlsFlows } from "./flows-tls.js";
import { memoryBus } from "./helpers/buses.js";

describe("msrp-edge inbound flows (in-memory bus)", () => {
  defineInboundFlows(memoryBus);
});

describe("msrp-edge outbound flows (in-memory bus)", () => {
  defineOutboundFlows(memoryBus);
});

describe("msrp-edge over TLS (in-memory bus)", () => {
  defineTlsFlows(memoryBus);
});

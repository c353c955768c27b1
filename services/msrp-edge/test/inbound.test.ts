import { describe } from "vitest";
import { defineInboundFlows } from "./flows-inbound.js";
import { memoryBus } from "./helpers/buses.js";

describe("msrp-edge inbound flows (in-memory bus)", () => {
  defineInboundFlows(memoryBus);
});

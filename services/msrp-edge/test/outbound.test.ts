import { describe } from "vitest";
import { defineOutboundFlows } from "./flows-outbound.js";
import { memoryBus } from "./helpers/buses.js";

describe("msrp-edge outbound flows (in-memory bus)", () => {
  defineOutboundFlows(memoryBus);
});

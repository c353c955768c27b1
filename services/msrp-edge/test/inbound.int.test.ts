import { describe } from "vitest";
import { defineInboundFlows } from "./flows-inbound.js";
import { natsBus } from "./helpers/buses.js";

describe("msrp-edge inbound flows (real NATS)", () => {
  defineInboundFlows(natsBus);
});

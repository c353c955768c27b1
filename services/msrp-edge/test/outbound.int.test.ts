import { describe } from "vitest";
import { defineOutboundFlows } from "./flows-outbound.js";
import { natsBus } from "./helpers/buses.js";

describe("msrp-edge outbound flows (real NATS)", () => {
  defineOutboundFlows(natsBus);
});

import { describe } from "vitest";
import { defineInboundFlows } from "./flows-inbound.js";
import { defineOutboundFlows } from "./flows-outbound.js";
import { defineTlsFlows } from "./flows-tls.js";
import { natsBus } from "./helpers/buses.js";

describe("msrp-edge inbound flows (real NATS)", () => {
  defineInboundFlows(natsBus);
});

describe("msrp-edge outbound flows (real NATS)", () => {
  defineOutboundFlows(natsBus);
});

describe("msrp-edge over TLS (real NATS)", () => {
  defineTlsFlows(natsBus);
});

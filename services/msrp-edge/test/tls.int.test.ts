import { describe } from "vitest";
import { defineTlsFlows } from "./flows-tls.js";
import { natsBus } from "./helpers/buses.js";

describe("msrp-edge over TLS (real NATS)", () => {
  defineTlsFlows(natsBus);
});

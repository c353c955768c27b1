import { describe } from "vitest";
import { defineTlsFlows } from "./flows-tls.js";
import { memoryBus } from "./helpers/buses.js";

describe("msrp-edge over TLS (in-memory bus)", () => {
  defineTlsFlows(memoryBus);
});

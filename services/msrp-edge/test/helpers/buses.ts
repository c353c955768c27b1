import { type Bus, connectNatsBus, createMemoryBus } from "@stox/bus";
import { afterAll, afterEach, beforeAll } from "vitest";
import { Scope } from "./scope.js";

export type BusFactory = () => Promise<Bus>;

export const memoryBus: BusFactory = async () => createMemoryBus();

/** A connection to the NATS server of the test run (global setup sets NATS_URL). */
export const natsBus: BusFactory = () =>
  connectNatsBus({ url: process.env.NATS_URL ?? "nats://127.0.0.1:4222", name: "msrp-edge-test" });

/** The per-suite set-up of the flow tests: one bus for the suite (drained after it), a scope closed after each test. */
export interface FlowSuite {
  readonly bus: Bus;
  readonly scope: Scope;
}

export function useFlowSuite(makeBus: BusFactory): FlowSuite {
  let bus: Bus | undefined;
  const scope = new Scope();
  beforeAll(async () => {
    bus = await makeBus();
  });
  afterAll(async () => {
    await bus?.drain();
  });
  afterEach(() => scope.close());
  return {
    get bus(): Bus {
      if (bus === undefined) throw new Error("the suite's bus is used before beforeAll ran");
      return bus;
    },
    scope,
  };
}

import { type Bus, connectNatsBus, createMemoryBus } from "@stox/bus";

export type BusFactory = () => Promise<Bus>;

export const memoryBus: BusFactory = async () => createMemoryBus();

/** A connection to the NATS server of the test run (global setup sets NATS_URL). */
export const natsBus: BusFactory = () =>
  connectNatsBus({ url: process.env.NATS_URL ?? "nats://127.0.0.1:4222", name: "msrp-edge-test" });

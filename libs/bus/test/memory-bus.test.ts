import { describe, expect, it } from "vitest";
import { createMemoryBus } from "../src/index.js";
import { runBusContract } from "./bus-contract.js";

runBusContract("memory", async (errors) => createMemoryBus({ onError: (e) => errors.push(e) }));

describe("memory bus drain", () => {
  it("waits for running handlers, lets them reply, then refuses new work", async () => {
    const bus = createMemoryBus();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    bus.subscribe("slow", async (m) => {
      await gate;
      bus.respond(m, new TextEncoder().encode("done"));
    });
    const reply = bus.request("slow", new Uint8Array(0), { timeoutMs: 2_000 });
    await new Promise((r) => setImmediate(r));
    const drained = bus.drain();
    release();
    expect(new TextDecoder().decode((await reply).data)).toBe("done");
    await drained;
    expect(bus.isConnected()).toBe(false);
    expect(() => bus.publish("x", new Uint8Array(0))).toThrow(/closed/);
  });
});

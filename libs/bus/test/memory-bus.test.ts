import { describe, expect, it } from "vitest";
import { createMemoryBus } from "../src/index.js";
import { runBusContract } from "./bus-contract.js";

runBusContract("memory", async (errors) => createMemoryBus({ onError: (e) => errors.push(e) }));

describe("memory bus copies", () => {
  it("gives each receiver its own copy of a Buffer payload, and KV keeps its own copy", async () => {
    const bus = createMemoryBus();
    const seen: Uint8Array[] = [];
    bus.subscribe("copy", (m) => {
      seen.push(m.data);
      m.data[0] = 0; // a receiver scribbling on its payload
    });
    bus.subscribe("copy", (m) => void seen.push(m.data));
    const sent = Buffer.from("abc");
    bus.publish("copy", sent);
    await new Promise((r) => setImmediate(r));
    expect(seen).toHaveLength(2);
    expect([...(seen[1] as Uint8Array)]).toEqual([97, 98, 99]);
    expect(sent.toString()).toBe("abc");
    const kv = await bus.kv("copies");
    const value = Buffer.from("xyz");
    await kv.put("k", value);
    value[0] = 0;
    const entry = await kv.get("k");
    expect(Buffer.from(entry?.value ?? []).toString()).toBe("xyz");
    await bus.drain();
  });
});

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

describe("copies and memory", () => {
  it("pools short-lived payload copies but gives long-lived KV values memory of their own", async () => {
    const { copyBytes, ownedCopy } = await import("../src/copy-bytes.js");
    const small = Buffer.from("a small payload");
    // A pooled copy is a view into Node's shared slab; an owned copy's ArrayBuffer is exactly its bytes.
    expect(copyBytes(small).buffer.byteLength).toBeGreaterThan(small.length);
    const owned = ownedCopy(small);
    expect(owned.buffer.byteLength).toBe(small.length);
    expect(Buffer.from(owned).toString()).toBe("a small payload");
  });
});

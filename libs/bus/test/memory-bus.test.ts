import { describe, expect, it, vi } from "vitest";
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
  it("pools short-lived payload copies; KV keeps values as strings of its own and hands out fresh bytes", async () => {
    const { copyBytes } = await import("../src/copy-bytes.js");
    const small = Buffer.from("a small payload");
    // A pooled copy is a view into Node's shared slab, not an ArrayBuffer of its own.
    expect(copyBytes(small).buffer.byteLength).toBeGreaterThan(small.length);
    const bus = createMemoryBus();
    const kv = await bus.kv("owned");
    const slab = Buffer.from("prefix-\u00e9\u0000\u00ff-suffix", "utf8"); // non-ASCII and NUL bytes survive
    const value = slab.subarray(7, slab.length - 7);
    await kv.put("k", value);
    slab.fill(0); // the writer reuses its buffer: the stored value must not change
    const first = await kv.get("k");
    const second = await kv.get("k");
    expect(Buffer.from(first?.value ?? []).toString("utf8")).toBe("\u00e9\u0000\u00ff");
    (first?.value as Uint8Array)[0] = 0; // one reader scribbling does not reach the next
    expect(Buffer.from(second?.value ?? []).toString("utf8")).toBe("\u00e9\u0000\u00ff");
    await bus.drain();
  });
});

describe("memory bus routing (cached per subject, replies outside the subscription table)", () => {
  const tick = () => new Promise((r) => setImmediate(r));
  const text = (m: { data: Uint8Array }) => new TextDecoder().decode(m.data);

  it("a subscriber added after a subject was routed gets the next message, and one removed does not", async () => {
    const bus = createMemoryBus();
    const got: string[] = [];
    bus.subscribe("a.b", (m) => void got.push(`exact:${text(m)}`));
    bus.publish("a.b", Buffer.from("1"));
    const wide = bus.subscribe("a.*", (m) => void got.push(`wild:${text(m)}`));
    bus.publish("a.b", Buffer.from("2"));
    await tick();
    wide.unsubscribe();
    bus.publish("a.b", Buffer.from("3"));
    await tick();
    expect(got).toEqual(["exact:1", "exact:2", "wild:2", "exact:3"]);
    await bus.drain();
  });

  it("a queue group joined later shares the load from the next message on", async () => {
    const bus = createMemoryBus();
    const got: string[] = [];
    bus.subscribe("work", () => void got.push("a"), { queue: "q" });
    bus.publish("work", Buffer.from("x"));
    bus.publish("work", Buffer.from("x"));
    bus.subscribe("work", () => void got.push("b"), { queue: "q" });
    for (let i = 0; i < 4; i++) bus.publish("work", Buffer.from("x"));
    await tick();
    expect(got.slice(0, 2)).toEqual(["a", "a"]);
    expect(got.slice(2).sort()).toEqual(["a", "a", "b", "b"]);
    await bus.drain();
  });

  it("a `>` subscriber sees requests and their replies; the requester still gets its reply once", async () => {
    const bus = createMemoryBus();
    const tapped: string[] = [];
    bus.subscribe("svc", (m) => bus.respond(m, Buffer.from(`re:${text(m)}`)));
    bus.subscribe(">", (m) => void tapped.push(`${m.subject.startsWith("_INBOX.") ? "inbox" : m.subject}:${text(m)}`));
    const reply = await bus.request("svc", Buffer.from("q"), { timeoutMs: 1_000 });
    await tick();
    expect(text(reply)).toBe("re:q");
    expect(tapped).toEqual(["svc:q", "inbox:re:q"]);
    await bus.drain();
  });

  it("a second reply to one request is dropped, and a reply after the timeout finds nobody", async () => {
    const bus = createMemoryBus();
    const pending: { reply?: string }[] = [];
    bus.subscribe("twice", (m) => {
      bus.respond(m, Buffer.from("first"));
      bus.respond(m, Buffer.from("second"));
    });
    bus.subscribe("late", (m) => void pending.push(m));
    expect(text(await bus.request("twice", Buffer.from(""), { timeoutMs: 1_000 }))).toBe("first");
    await expect(bus.request("late", Buffer.from(""), { timeoutMs: 20 })).rejects.toThrow(
      /timed out|did not answer|timeout/i,
    );
    bus.respond(pending[0] as never, Buffer.from("too late")); // no one waits: nothing happens, nothing throws
    await tick();
    await bus.drain();
  });
});

describe("memory kv expiry (a queue of writes in TTL order)", () => {
  const enc = (s: string) => Buffer.from(s);
  const read = async (kv: Awaited<ReturnType<ReturnType<typeof createMemoryBus>["kv"]>>, key: string) => {
    const e = await kv.get(key);
    return e === null ? null : Buffer.from(e.value).toString();
  };

  it("a key written again outlives the TTL of its first write; untouched keys expire in write order", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(1_000_000);
      const bus = createMemoryBus();
      const kv = await bus.kv("expiry-order", { ttlSeconds: 1 });
      await kv.put("a", enc("a1"));
      await kv.put("b", enc("b1"));
      vi.setSystemTime(1_000_600);
      await kv.put("a", enc("a2"));
      vi.setSystemTime(1_001_100); // a1 and b1 are past their TTL, a2 is not
      await kv.put("c", enc("c1")); // this write sweeps
      expect(await read(kv, "a")).toBe("a2");
      expect(await read(kv, "b")).toBeNull();
      expect((await kv.keys()).sort()).toEqual(["a", "c"]);
      vi.setSystemTime(1_001_700); // now a2 is past its TTL too
      await kv.put("d", enc("d1"));
      expect((await kv.keys()).sort()).toEqual(["c", "d"]);
      await expect(kv.create("b", enc("b2"))).resolves.toBeGreaterThan(0); // an expired key is free again
      await bus.drain();
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps sweeping correctly across many windows (the queue compacts as it goes)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      let now = 2_000_000;
      vi.setSystemTime(now);
      const bus = createMemoryBus();
      const kv = await bus.kv("expiry-many", { ttlSeconds: 1 });
      for (let i = 0; i < 20_000; i++) {
        now += 0.25; // 4,000 writes per TTL window
        vi.setSystemTime(Math.floor(now));
        await kv.put(`k${i}`, enc(String(i)));
      }
      const keys = await kv.keys();
      expect(keys.length).toBeGreaterThanOrEqual(3_996);
      expect(keys.length).toBeLessThanOrEqual(4_000);
      expect(await read(kv, "k19999")).toBe("19999");
      expect(await read(kv, "k15000")).toBeNull();
      await bus.drain();
    } finally {
      vi.useRealTimers();
    }
  });
});

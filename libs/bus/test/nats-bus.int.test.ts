import { connect, type NatsConnection } from "nats";
import { describe, expect, it } from "vitest";
import {
  BusConnectionError,
  connectNatsBus,
  type KvStore,
  KvWriteError,
  NoRespondersError,
  RequestTimeoutError,
} from "../src/index.js";
import { runBusContract } from "./bus-contract.js";

const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

runBusContract("nats", async (errors) => connectNatsBus({ url, name: "bus-contract", onError: (e) => errors.push(e) }));

describe("nats bus connection", () => {
  it("fails with BusConnectionError when no server answers", async () => {
    await expect(
      connectNatsBus({ url: "nats://127.0.0.1:1", name: "nobody", connectTimeoutMs: 500, maxReconnectAttempts: 0 }),
    ).rejects.toBeInstanceOf(BusConnectionError);
  });

  it("routes each of many concurrent requests' replies to its own caller, answered out of order", async () => {
    const bus = await connectNatsBus({ url, name: "mux" });
    const subject = `test.mux.${Date.now()}`;
    // Replies go out in reverse order of arrival, once all 200 requests are in.
    const held: Parameters<Parameters<typeof bus.subscribe>[1]>[0][] = [];
    bus.subscribe(subject, (m) => {
      held.push(m);
      if (held.length === 200) for (const r of held.reverse()) bus.respond(r, r.data, { headers: { n: "x" } });
    });
    await new Promise((r) => setTimeout(r, 50));
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        bus.request(subject, new TextEncoder().encode(String(i)), { timeoutMs: 5_000 }),
      ),
    );
    expect(replies.map((r) => new TextDecoder().decode(r.data))).toEqual(
      Array.from({ length: 200 }, (_, i) => String(i)),
    );
    expect(replies.every((r) => r.headers.n === "x")).toBe(true);
    await bus.drain();
  });

  it("ignores a reply that comes after the request timed out, and later requests still work", async () => {
    const bus = await connectNatsBus({ url, name: "late" });
    const subject = `test.late.${Date.now()}`;
    let isSlow = true;
    bus.subscribe(subject, async (m) => {
      if (isSlow) await new Promise((r) => setTimeout(r, 300));
      bus.respond(m, m.data);
    });
    await new Promise((r) => setTimeout(r, 50));
    await expect(bus.request(subject, new Uint8Array([1]), { timeoutMs: 100 })).rejects.toBeInstanceOf(
      RequestTimeoutError,
    );
    isSlow = false;
    await new Promise((r) => setTimeout(r, 300));
    const reply = await bus.request(subject, new Uint8Array([2]), { timeoutMs: 5_000 });
    expect([...reply.data]).toEqual([2]);
    await bus.drain();
  });

  it("drain waits for a running handler and lets it reply", async () => {
    const server = await connectNatsBus({ url, name: "drain-server" });
    const client = await connectNatsBus({ url, name: "drain-client" });
    const subject = `test.drain.${Date.now()}`;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    server.subscribe(subject, async (m) => {
      await gate;
      server.respond(m, new TextEncoder().encode("done"));
    });
    await new Promise((r) => setTimeout(r, 50));
    const reply = client.request(subject, new Uint8Array(0), { timeoutMs: 5_000 });
    await new Promise((r) => setTimeout(r, 50));
    const drained = server.drain();
    release();
    expect(new TextDecoder().decode((await reply).data)).toBe("done");
    await drained;
    expect(server.isConnected()).toBe(false);
    await client.drain();
  });
});

describe("nats kv storage", () => {
  it("creates a bucket asked for memory storage on a memory stream, and file storage by default", async () => {
    const bus = await connectNatsBus({ url, name: "kv-storage" });
    const { connect } = await import("nats");
    const nc = await connect({ servers: url });
    try {
      const suffix = Date.now().toString(36);
      const memory = await bus.kv(`storage-mem-${suffix}`, { storage: "memory", ttlSeconds: 60 });
      const file = await bus.kv(`storage-file-${suffix}`, { ttlSeconds: 60 });
      await memory.put("k", new Uint8Array([1]));
      await file.put("k", new Uint8Array([2]));
      const jsm = await nc.jetstreamManager();
      expect((await jsm.streams.info(`KV_storage-mem-${suffix}`)).config.storage).toBe("memory");
      expect((await jsm.streams.info(`KV_storage-file-${suffix}`)).config.storage).toBe("file");
      expect([...((await memory.get("k"))?.value ?? [])]).toEqual([1]);
      await jsm.streams.delete(`KV_storage-mem-${suffix}`);
      await jsm.streams.delete(`KV_storage-file-${suffix}`);
    } finally {
      await nc.close();
      await bus.drain();
    }
  });
});

describe("nats kv writes (published straight to $KV.<bucket>.<key>)", () => {
  /** A fresh bucket on the bus, plus a plain nats.js connection to look at it from outside; both closed after. */
  async function withBucket(
    prefix: string,
    test: (kv: KvStore, name: string, nc: NatsConnection) => Promise<void>,
  ): Promise<void> {
    const bus = await connectNatsBus({ url, name: prefix });
    const nc = await connect({ servers: url });
    const name = `${prefix}-${Date.now().toString(36)}`;
    try {
      await test(await bus.kv(name, { ttlSeconds: 60 }), name, nc);
    } finally {
      await (await nc.jetstreamManager()).streams.delete(`KV_${name}`).catch(() => false);
      await nc.close();
      await bus.drain();
    }
  }

  it("put, create and update give the revisions JetStream assigns, readable through nats.js' own KV view", () =>
    withBucket("kv-writes", async (kv, name, nc) => {
      const r1 = await kv.put("a", new Uint8Array([1]));
      const r2 = await kv.create("b", new Uint8Array([2]));
      const r3 = await kv.update("a", new Uint8Array([3]), r1);
      expect([r1, r2, r3]).toEqual([r1, r1 + 1, r1 + 2]);
      const theirs = await nc.jetstream().views.kv(name);
      expect((await theirs.get("a"))?.revision).toBe(r3);
      expect([...((await theirs.get("a"))?.value ?? [])]).toEqual([3]);
      expect([...((await theirs.get("b"))?.value ?? [])]).toEqual([2]);
    }));

  it("a write to a bucket whose stream is gone rejects at once instead of waiting out the timeout", () =>
    withBucket("kv-gone", async (kv, name, nc) => {
      await (await nc.jetstreamManager()).streams.delete(`KV_${name}`);
      const started = performance.now();
      await expect(kv.create("k", new Uint8Array([1]))).rejects.toBeInstanceOf(NoRespondersError);
      await expect(kv.put("k", new Uint8Array([1]))).rejects.toBeInstanceOf(NoRespondersError);
      expect(performance.now() - started).toBeLessThan(4_000);
    }));

  it("a write JetStream refuses (payload over the stream's max message size) is a KvWriteError naming the key", () =>
    withBucket("kv-refused", async (kv, name, nc) => {
      const jsm = await nc.jetstreamManager();
      const info = await jsm.streams.info(`KV_${name}`);
      await jsm.streams.update(`KV_${name}`, { ...info.config, max_msg_size: 16 });
      const refused = kv.put("big", new Uint8Array(64));
      await expect(refused).rejects.toBeInstanceOf(KvWriteError);
      await expect(refused).rejects.toThrow(/big/);
    }));
});

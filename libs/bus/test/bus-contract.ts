import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Bus,
  type BusMessage,
  InvalidKvKeyError,
  InvalidSubjectError,
  KvConflictError,
  type KvEntry,
  NoRespondersError,
  PayloadTooLargeError,
  RequestTimeoutError,
} from "../src/index.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

export async function eventually<T>(probe: () => T | Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The one behaviour both bus implementations promise. `open` returns a fresh connected bus; `errors` collects
 * what reached its onError listener.
 */
export function runBusContract(label: string, open: (errors: Error[]) => Promise<Bus>): void {
  describe(`bus contract: ${label}`, () => {
    let bus: Bus;
    const errors: Error[] = [];
    // Subjects and buckets are unique per run: the NATS server is shared with other tests.
    const run = randomUUID().slice(0, 8);
    const subj = (s: string) => `test.${run}.${s}`;
    const buckets: string[] = [];
    const bucket = (s: string) => {
      const name = `test-${run}-${s}`;
      buckets.push(name);
      return name;
    };

    beforeAll(async () => {
      bus = await open(errors);
    });
    afterAll(async () => {
      for (const b of buckets) await (await bus.kv(b)).destroy().catch(() => undefined);
      await bus.drain();
    });

    it("delivers payload and headers, with header names lower-cased", async () => {
      const got: BusMessage[] = [];
      const sub = bus.subscribe(subj("hello"), (m) => void got.push(m));
      await settle(bus);
      bus.publish(subj("hello"), enc("héllo"), { headers: { "X-Trace": "abc" } });
      await eventually(() => got.length === 1);
      expect(dec(got[0]!.data)).toBe("héllo");
      expect(got[0]!.headers["x-trace"]).toBe("abc");
      sub.unsubscribe();
    });

    it("gives every receiver its own copy of the payload: changing it changes neither the sender's nor another's", async () => {
      const got: BusMessage[] = [];
      const a = bus.subscribe(subj("copy"), (m) => void got.push(m));
      const b = bus.subscribe(subj("copy"), (m) => void got.push(m));
      await settle(bus);
      const sent = enc("original");
      bus.publish(subj("copy"), sent);
      await eventually(() => got.length === 2);
      got[0]!.data.fill(0x21);
      expect(dec(sent)).toBe("original");
      expect(dec(got[1]!.data)).toBe("original");
      sent.fill(0x3f);
      expect(dec(got[1]!.data)).toBe("original");
      a.unsubscribe();
      b.unsubscribe();
    });

    it("keeps a KV value apart from the bytes it was put with and from what get returns", async () => {
      const kv = await bus.kv(bucket("copy"));
      const value = enc("stored");
      await kv.put("k", value);
      value.fill(0x3f);
      const first = await kv.get("k");
      first!.value.fill(0x21);
      expect(dec((await kv.get("k"))!.value)).toBe("stored");
    });

    it("matches * to one token and > to one or more tokens", async () => {
      const star: string[] = [];
      const tail: string[] = [];
      bus.subscribe(subj("w.*.end"), (m) => void star.push(m.subject));
      bus.subscribe(subj("w.>"), (m) => void tail.push(m.subject));
      await settle(bus);
      for (const s of ["w.a.end", "w.a.b.end", "w.x", "other"]) bus.publish(subj(s), enc(s));
      await eventually(() => tail.length === 3);
      await settle(bus);
      expect(star).toEqual([subj("w.a.end")]);
      expect(tail.sort()).toEqual([subj("w.a.b.end"), subj("w.a.end"), subj("w.x")].sort());
    });

    it("shares a queue group's messages among its members, each message to exactly one", async () => {
      const a: number[] = [];
      const b: number[] = [];
      const plain: number[] = [];
      bus.subscribe(subj("work"), (m) => void a.push(Number(dec(m.data))), { queue: "workers" });
      bus.subscribe(subj("work"), (m) => void b.push(Number(dec(m.data))), { queue: "workers" });
      bus.subscribe(subj("work"), (m) => void plain.push(Number(dec(m.data))));
      await settle(bus);
      for (let i = 0; i < 200; i++) bus.publish(subj("work"), enc(String(i)));
      await eventually(() => a.length + b.length === 200 && plain.length === 200);
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
      expect([...a, ...b].sort((x, y) => x - y)).toEqual([...Array(200).keys()]);
    });

    it("answers a request with the responder's reply and its headers", async () => {
      bus.subscribe(subj("echo"), (m) => bus.respond(m, enc(`re:${dec(m.data)}`), { headers: { status: "ok" } }), {
        queue: "echo",
      });
      await settle(bus);
      const reply = await bus.request(subj("echo"), enc("ping"), { timeoutMs: 2_000 });
      expect(dec(reply.data)).toBe("re:ping");
      expect(reply.headers.status).toBe("ok");
    });

    it("fails a request with NoRespondersError when nobody listens", async () => {
      await expect(bus.request(subj("nobody"), enc("x"), { timeoutMs: 2_000 })).rejects.toBeInstanceOf(
        NoRespondersError,
      );
    });

    it("fails a request with RequestTimeoutError when a listener never answers", async () => {
      bus.subscribe(subj("silent"), () => {});
      await settle(bus);
      const err = await bus.request(subj("silent"), enc("x"), { timeoutMs: 150 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RequestTimeoutError);
      expect((err as RequestTimeoutError).timeoutMs).toBe(150);
    });

    it("refuses invalid subjects and wildcard publishes", () => {
      expect(() => bus.publish("", enc("x"))).toThrow(InvalidSubjectError);
      expect(() => bus.publish("a..b", enc("x"))).toThrow(InvalidSubjectError);
      expect(() => bus.publish("a.*", enc("x"))).toThrow(InvalidSubjectError);
      expect(() => bus.publish("a b", enc("x"))).toThrow(InvalidSubjectError);
      expect(() => bus.subscribe("a.>.b", () => {})).toThrow(InvalidSubjectError);
    });

    it("refuses payloads over the bus limit", () => {
      expect(() => bus.publish(subj("big"), new Uint8Array(bus.maxPayloadBytes + 1))).toThrow(PayloadTooLargeError);
    });

    it("reports a throwing handler to onError and keeps delivering", async () => {
      const got: string[] = [];
      bus.subscribe(subj("throws"), (m) => {
        if (dec(m.data) === "bad") throw new Error("handler failed");
        got.push(dec(m.data));
      });
      await settle(bus);
      bus.publish(subj("throws"), enc("bad"));
      bus.publish(subj("throws"), enc("good"));
      await eventually(() => got.length === 1);
      expect(errors.some((e) => e.message === "handler failed")).toBe(true);
    });

    describe("kv", () => {
      it("stores values under increasing revisions and reads them back", async () => {
        const kv = await bus.kv(bucket("rev"));
        const r1 = await kv.put("a.b", enc("one"));
        const r2 = await kv.put("a.b", enc("two"));
        expect(r2).toBeGreaterThan(r1);
        const e = await kv.get("a.b");
        expect(e && dec(e.value)).toBe("two");
        expect(e?.revision).toBe(r2);
        expect(await kv.get("missing")).toBeNull();
      });

      it("create fails on a live key and succeeds again after delete", async () => {
        const kv = await bus.kv(bucket("create"));
        await kv.create("k", enc("1"));
        await expect(kv.create("k", enc("2"))).rejects.toBeInstanceOf(KvConflictError);
        await kv.delete("k");
        expect(await kv.get("k")).toBeNull();
        await kv.create("k", enc("3"));
        expect(dec((await kv.get("k"))!.value)).toBe("3");
      });

      it("update is compare-and-set on the revision", async () => {
        const kv = await bus.kv(bucket("cas"));
        const r1 = await kv.put("k", enc("1"));
        const r2 = await kv.update("k", enc("2"), r1);
        await expect(kv.update("k", enc("stale"), r1)).rejects.toBeInstanceOf(KvConflictError);
        await expect(kv.delete("k", { revision: r1 })).rejects.toBeInstanceOf(KvConflictError);
        expect(dec((await kv.get("k"))!.value)).toBe("2");
        await kv.delete("k", { revision: r2 });
        expect(await kv.get("k")).toBeNull();
      });

      it("lists live keys only", async () => {
        const kv = await bus.kv(bucket("keys"));
        await kv.put("x", enc("1"));
        await kv.put("y", enc("1"));
        await kv.delete("x");
        expect(await kv.keys()).toEqual(["y"]);
      });

      it("watch delivers puts and deletes after it starts, and the snapshot first with initial", async () => {
        const kv = await bus.kv(bucket("watch"));
        await kv.put("old", enc("0"));
        const updates: KvEntry[] = [];
        const withInitial: KvEntry[] = [];
        const w1 = await kv.watch({ key: ">" }, (e) => updates.push(e));
        const w2 = await kv.watch({ key: ">", initial: true }, (e) => withInitial.push(e));
        await eventually(() => withInitial.length === 1);
        await kv.put("new", enc("1"));
        await kv.delete("new");
        await eventually(() => updates.length === 2 && withInitial.length === 3);
        expect(updates.map((e) => [e.key, e.operation])).toEqual([
          ["new", "PUT"],
          ["new", "DEL"],
        ]);
        expect(withInitial.map((e) => e.key)).toEqual(["old", "new", "new"]);
        w1.stop();
        w2.stop();
      });

      it("expires entries after the bucket TTL", async () => {
        const kv = await bus.kv(bucket("ttl"), { ttlSeconds: 1 });
        await kv.put("short", enc("lived"));
        expect(await kv.get("short")).not.toBeNull();
        await eventually(async () => (await kv.get("short")) === null, 6_000);
        expect(await kv.keys()).toEqual([]);
      });

      it("refuses keys outside the KV alphabet", async () => {
        const kv = await bus.kv(bucket("badkey"));
        await expect(kv.put("alice@example.com", enc("x"))).rejects.toBeInstanceOf(InvalidKvKeyError);
        await expect(kv.get("a b")).rejects.toBeInstanceOf(InvalidKvKeyError);
      });
    });
  });
}

/** Lets a NATS subscription reach the server before publishing (a round trip); harmless in memory. */
async function settle(bus: Bus): Promise<void> {
  const probe = `test.settle.${randomUUID().slice(0, 8)}`;
  const sub = bus.subscribe(probe, (m) => bus.respond(m, new Uint8Array(0)));
  await bus.request(probe, new Uint8Array(0), { timeoutMs: 2_000 });
  sub.unsubscribe();
}

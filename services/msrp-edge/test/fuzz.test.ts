// A seeded mutation loop over the RFC samples, sent over real connections: the edge must answer or close
// each connection, never fail in its own code, and keep serving a well-behaved session throughout.
import { createMemoryBus } from "@stox/bus";
import { newSessionId } from "@stox/msrp-lite";
import { atPort, FIG2, FIG3 } from "@stox/msrp-lite/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EdgeUnderTest, startEdge } from "./helpers/edge-harness.js";
import { eventually, MapperStub } from "./helpers/mapper-stub.js";
import { RawPeer } from "./helpers/raw-peer.js";
import { textSend } from "./helpers/wire.js";

/** The RFC's session-id for the first session, fresh ones after it (URIs must be unique, MSRP-URI-02). */
function firstThenRandom(first: string): () => string {
  let isFirst = true;
  return () => {
    if (!isFirst) return newSessionId();
    isFirst = false;
    return first;
  };
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(sample: Buffer, random: () => number): Buffer {
  const bytes = Buffer.from(sample);
  const pick = (n: number) => Math.floor(random() * n);
  switch (pick(6)) {
    case 0: // bit flips
      for (let i = 0; i < 1 + pick(4); i++) {
        const at = pick(bytes.length);
        bytes[at] = (bytes[at] ?? 0) ^ (1 << pick(8));
      }
      return bytes;
    case 1: // cut short
      return bytes.subarray(0, pick(bytes.length));
    case 2: // a slice repeated
      return Buffer.concat([bytes, bytes.subarray(pick(bytes.length))]);
    case 3: // stray CRLFs
      return Buffer.concat([bytes.subarray(0, pick(bytes.length)), Buffer.from("\r\n\r\n"), bytes]);
    case 4: // a fake end-line inside
      return Buffer.concat([bytes.subarray(0, pick(bytes.length)), Buffer.from("\r\n-------a786hjs2$\r\n"), bytes]);
    default: // junk
      return Buffer.from(Array.from({ length: 1 + pick(200) }, () => pick(256)));
  }
}

describe("msrp-edge under mutated input (fuzz stand-in)", () => {
  const bus = createMemoryBus();
  let edge: EdgeUnderTest;
  let mapper: MapperStub;
  beforeAll(async () => {
    edge = await startEdge(
      bus,
      { publicHost: "biloxi.example.com", mapperTimeoutMs: 500 },
      { newSessionId: firstThenRandom(FIG2.sessionId) },
    );
    mapper = new MapperStub(bus, edge.owner);
  });
  afterAll(async () => {
    mapper.stop();
    await edge.stop();
    await bus.drain();
  });

  it("answers or closes 300 mutated streams, keeps a good session working, and fails in no code of its own", async () => {
    await edge.open({ remote: { path: ["msrp://atlanta.example.com:7654/jshA7weztas;tcp"] } });
    const port = edge.edge.localPort(false);
    const wire = (t: string) => Buffer.from(atPort(t, FIG2.authority, port));
    const samples = [wire(FIG2.send), wire(FIG3.chunk1), wire(FIG3.chunk2)];
    const random = prng(4975);
    for (let batch = 0; batch < 30; batch++) {
      const peers = await Promise.all(Array.from({ length: 10 }, () => RawPeer.connect(port)));
      for (const peer of peers) peer.write(mutate(samples[Math.floor(random() * samples.length)] as Buffer, random));
      // A good request after each batch, on a fresh connection: the session is still served. The mutated
      // connections keep it bound sometimes, so use a new session each time.
      const good = await edge.open({ remote: { path: ["msrp://atlanta.example.com:7654/jshA7weztas;tcp"] } });
      const client = await RawPeer.connect(port);
      client.write(
        textSend(good.localPath[0] as string, `good${String(batch).padStart(4, "0")}`, `mgood${batch}xx`, "ok"),
      );
      expect(await client.status(`good${String(batch).padStart(4, "0")}`)).toBe(200);
      for (const peer of [...peers, client]) peer.close();
    }
    await eventually(() => (edge.edge.connectionCount === 0 ? true : undefined));
    const ownFaults = edge.errors.filter(
      (e) => e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError,
    );
    expect(ownFaults).toEqual([]);
  });
});

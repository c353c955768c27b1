import { createMemoryBus } from "@stox/bus";
import { newEventId, nowIso, sipInSubject, sipResponseCommandCodec } from "@stox/events";
import type { SipResponse } from "@stox/sip-parser";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config.js";
import { SipEdge } from "../src/edge.js";
import { sipText, startUdpPeer } from "./udp-client.js";

// Seeded mutations of well-formed requests (the fuzzing stand-in of STYLE §7): whatever arrives, the edge
// answers with a parseable response or stays silent, reports no unexpected error, and keeps working.
describe("sip-edge under mutated datagrams", () => {
  it("never breaks: every answer parses, no unexpected errors, OPTIONS still answered afterwards", async () => {
    const bus = createMemoryBus();
    bus.subscribe(sipInSubject("message"), (msg) => {
      bus.respond(msg, sipResponseCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true, status: 200 }));
    });
    const errors: unknown[] = [];
    const edge = await SipEdge.start({
      bus,
      config: defaultConfig({ transports: [{ protocol: "udp", address: "127.0.0.1", port: 0 }], mapperTimeoutMs: 200 }),
      onError: (e, ctx) => {
        if (ctx.where !== "stateless send") errors.push([e, ctx]);
      },
    });
    const peer = await startUdpPeer();
    const port = edge.address("udp")?.port ?? 0;
    const seeds = ["MESSAGE", "INVITE", "SUBSCRIBE", "BYE", "OPTIONS"].map((m) =>
      Buffer.from(sipText(m, peer.port, { body: m === "MESSAGE" ? "hello" : "" }).replace(/\n/g, "\r\n")),
    );
    const mutation = fc.record({
      seed: fc.integer({ min: 0, max: seeds.length - 1 }),
      edits: fc.array(
        fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "insert", "delete")),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
    });
    try {
      const samples = fc.sample(mutation, { numRuns: 300, seed: 4242 });
      for (const s of samples) {
        const bytes = [...(seeds[s.seed] as Buffer)];
        for (const [at, value, op] of s.edits) {
          const i = at % (bytes.length + 1);
          if (op === "set") bytes[i] = value;
          else if (op === "insert") bytes.splice(i, 0, value);
          else bytes.splice(i, 1);
        }
        peer.sendBytes(Buffer.from(bytes), port);
      }
      // A burst of 300 datagrams can overflow socket buffers, so probe with OPTIONS until one is answered
      // (as a UAC retransmits over UDP).
      const answered = peer.waitFor(
        (m) => !m.isRequest && (m as SipResponse).status === 200 && m.header("call-id") === "after-fuzz",
      );
      const probe = setInterval(
        () => peer.send(sipText("OPTIONS", peer.port, { callId: "after-fuzz", branch: "z9hG4bKprobe" }), port),
        100,
      );
      const ok = (await answered.finally(() => clearInterval(probe))) as SipResponse;
      expect(ok.header("allow")).toContain("MESSAGE");
      await new Promise((r) => setTimeout(r, 300)); // let mapper timeouts of mutated requests finish
      expect(errors).toEqual([]);
      expect(peer.unparsed.map((b) => b.toString("latin1", 0, 200))).toEqual([]);
      for (const m of peer.received) expect(m.isRequest).toBe(false);
    } finally {
      await edge.stop();
      await peer.close();
      await bus.drain();
    }
  });
});

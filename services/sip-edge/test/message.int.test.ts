import { type Bus, type BusMessage, connectNatsBus } from "@stox/bus";
import {
  newEventId,
  nowIso,
  type SipRequestReceived,
  sipInSubject,
  sipRequestReceivedCodec,
  sipResponseCommandCodec,
} from "@stox/events";
import { type NatsHandle, startNats } from "@stox/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config.js";
import { SipEdge } from "../src/edge.js";
import { runSipp } from "./sipp.js";

const transports = ["udp", "tcp"] as const;

describe("sip-edge hands MESSAGE to the bus and answers with the mapper's reply (sipp over real NATS)", () => {
  let nats: NatsHandle;
  let bus: Bus;
  let mapperBus: Bus;
  let edge: SipEdge;

  beforeAll(async () => {
    nats = await startNats({ isPrivate: true });
    bus = await connectNatsBus({ url: nats.url, name: "sip-edge" });
    mapperBus = await connectNatsBus({ url: nats.url, name: "chat-mapper" });
    edge = await SipEdge.start({
      bus,
      config: defaultConfig({
        transports: [
          { protocol: "udp", address: "127.0.0.1", port: 0 },
          { protocol: "tcp", address: "127.0.0.1", port: 0 },
        ],
        mapperTimeoutMs: 1000,
      }),
    });
  });

  afterAll(async () => {
    await edge?.stop();
    await mapperBus?.drain();
    await bus?.drain();
    await nats?.stop();
  });

  function port(t: (typeof transports)[number]): number {
    return edge.address(t)?.port ?? 0;
  }

  it.each(transports)("absorbs retransmissions: the consumer sees one MESSAGE, sipp gets its 200 (%s)", async (t) => {
    const seen: SipRequestReceived[] = [];
    const sub = mapperBus.subscribe(
      sipInSubject("message"),
      async (msg: BusMessage) => {
        seen.push(sipRequestReceivedCodec.decode(msg.data));
        await new Promise((r) => setTimeout(r, 600)); // slow mapper: sipp retransmits every 200 ms meanwhile
        mapperBus.respond(
          msg,
          sipResponseCommandCodec.encode({
            v: 1,
            id: newEventId(),
            at: nowIso(),
            ok: true,
            status: 200,
            headers: [["X-Mapper", "chat"]],
          }),
        );
      },
      { queue: "chat-mapper" },
    );
    try {
      const run = await runSipp({ scenario: "uac-message-retrans-expect-200.xml", transport: t, remotePort: port(t) });
      expect(run.code, run.log).toBe(0);
      expect(seen).toHaveLength(1);
      const ev = seen[0] as SipRequestReceived;
      expect(ev.method).toBe("MESSAGE");
      expect(ev.body?.trim()).toBe("Art thou not Romeo?");
      expect(ev.from.displayName).toBe("Romeo");
      expect(ev.to.uri).toBe("sip:juliet@example.com");
      expect(ev.transport.protocol).toBe(t);
      // RFC 3581: the edge recorded where the request came from in the top Via.
      const via = ev.headers.find(([n]) => n.toLowerCase() === "via")?.[1] ?? "";
      expect(via).toMatch(/received=127\.0\.0\.1/);
      expect(via).toMatch(/rport=\d+/);
    } finally {
      sub.unsubscribe();
    }
  });

  it.each(transports)("answers 504 when the mapper does not reply in time (%s)", async (t) => {
    const sub = mapperBus.subscribe(sipInSubject("message"), () => {}, { queue: "chat-mapper" });
    try {
      const run = await runSipp({ scenario: "uac-message-expect-504.xml", transport: t, remotePort: port(t) });
      expect(run.code, run.log).toBe(0);
    } finally {
      sub.unsubscribe();
    }
  });

  it.each(transports)("answers 503 with Retry-After when no mapper listens (%s)", async (t) => {
    const run = await runSipp({ scenario: "uac-message-expect-503.xml", transport: t, remotePort: port(t) });
    expect(run.code, run.log).toBe(0);
  });

  it.each(transports)("answers 400 to a malformed request (%s)", async (t) => {
    const run = await runSipp({ scenario: "uac-malformed-expect-400.xml", transport: t, remotePort: port(t) });
    expect(run.code, run.log).toBe(0);
  });
});

import { type Bus, connectNatsBus } from "@stox/bus";
import { type SipRequestReceived, sipInSubject, sipRequestReceivedCodec } from "@stox/events";
import { type NatsHandle, startNats, waitUntil } from "@stox/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config.js";
import { SipEdge } from "../src/edge.js";
import { type MapperStub, startMapperStub } from "./mapper-stub.js";
import { runSipp } from "./sipp.js";

describe("INVITE refused and cancelled (sipp over real NATS)", () => {
  let nats: NatsHandle;
  let edgeBus: Bus;
  let mapperBus: Bus;
  let edge: SipEdge;
  let mapper: MapperStub;
  const cancels: SipRequestReceived[] = [];

  beforeAll(async () => {
    nats = await startNats({ isPrivate: true });
    edgeBus = await connectNatsBus({ url: nats.url, name: "sip-edge" });
    mapperBus = await connectNatsBus({ url: nats.url, name: "media-mapper" });
    edge = await SipEdge.start({
      bus: edgeBus,
      config: defaultConfig({
        transports: [
          { protocol: "udp", address: "127.0.0.1", port: 0 },
          { protocol: "tcp", address: "127.0.0.1", port: 0 },
        ],
        inviteMapperTimeoutMs: 3000,
      }),
    });
    // Video offers are refused; an INVITE without SDP is left unanswered (the mapper "thinks").
    mapper = startMapperStub(mapperBus, (ev) =>
      ev.method === "INVITE" && ev.body?.includes("m=video") ? { status: 488 } : undefined,
    );
    mapperBus.subscribe(sipInSubject("cancel"), (msg) => {
      cancels.push(sipRequestReceivedCodec.decode(msg.data));
    });
  });

  afterAll(async () => {
    mapper?.stop();
    await edge?.stop();
    await mapperBus?.drain();
    await edgeBus?.drain();
    await nats?.stop();
  });

  it.each(["udp", "tcp"] as const)("answers 488 from the mapper and absorbs sipp's ACK (%s)", async (t) => {
    const run = await runSipp({
      scenario: "uac-invite-expect-488.xml",
      transport: t,
      remotePort: edge.address(t)?.port ?? 0,
    });
    expect(run.code, run.log).toBe(0);
  });

  it.each(["udp", "tcp"] as const)("answers a CANCEL 200 and the INVITE 487, and tells the mapper (%s)", async (t) => {
    cancels.length = 0;
    const run = await runSipp({
      scenario: "uac-invite-cancel-expect-487.xml",
      transport: t,
      remotePort: edge.address(t)?.port ?? 0,
    });
    expect(run.code, run.log).toBe(0);
    await waitUntil("the mapper hears of the CANCEL", () => cancels.length > 0);
    expect(cancels.map((c) => c.method)).toEqual(["CANCEL"]);
  });
});

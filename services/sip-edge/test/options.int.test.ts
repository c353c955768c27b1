import { type Bus, connectNatsBus } from "@stox/bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config.js";
import { SipEdge } from "../src/edge.js";
import { runSipp } from "./sipp.js";

describe("sip-edge answers OPTIONS itself (RFC 3261 §11.2)", () => {
  let bus: Bus;
  let edge: SipEdge;

  beforeAll(async () => {
    bus = await connectNatsBus({ url: process.env.NATS_URL ?? "nats://127.0.0.1:4222", name: "sip-edge-test" });
    edge = await SipEdge.start({
      bus,
      config: defaultConfig({
        transports: [
          { protocol: "udp", address: "127.0.0.1", port: 0 },
          { protocol: "tcp", address: "127.0.0.1", port: 0 },
        ],
      }),
    });
  });

  afterAll(async () => {
    await edge?.stop();
    await bus?.drain();
  });

  it.each(["udp", "tcp"] as const)(
    "answers a sipp OPTIONS with 200, Allow, Accept, Supported over %s (CORE-ARCH-03)",
    async (t) => {
      const run = await runSipp({
        scenario: "uac-options-expect-200.xml",
        transport: t,
        remotePort: edge.address(t)?.port ?? 0,
      });
      expect(run.code, run.log).toBe(0);
    },
  );
});

import { type Bus, connectNatsBus } from "@stox/bus";
import { newEventId, nowIso, sipInSubject, sipResponseCommandCodec } from "@stox/events";
import { type NatsHandle, startNats } from "@stox/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config.js";
import { SipEdge } from "../src/edge.js";
import { runSipp } from "./sipp.js";

describe("digest authentication against sipp (RFC 3261 §22.4, RFC 8760; CORE-SEC-06)", () => {
  let nats: NatsHandle;
  let bus: Bus;
  let edge: SipEdge;

  beforeAll(async () => {
    nats = await startNats({ isPrivate: true });
    bus = await connectNatsBus({ url: nats.url, name: "sip-edge" });
    bus.subscribe(sipInSubject("message"), (msg) => {
      bus.respond(msg, sipResponseCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true, status: 200 }));
    });
    edge = await SipEdge.start({
      bus,
      config: defaultConfig({
        transports: [
          { protocol: "udp", address: "127.0.0.1", port: 0 },
          { protocol: "tcp", address: "127.0.0.1", port: 0 },
        ],
        // 127.0.0.1 is not trusted, so sipp must authenticate.
        trustedPeers: ["10.0.0.0/8"],
        digestRealm: "gw.example",
        digestUsers: new Map([["proxy", "s3cret"]]),
        digestNonceSecret: "test-secret",
        // sipp 3.6 answers only the first challenge and knows only MD5 (it does not pick the first one it
        // supports, as RFC 8760 §2.4 asks), so this edge offers MD5 alone.
        digestAlgorithms: ["MD5"],
      }),
    });
  });

  afterAll(async () => {
    await edge?.stop();
    await bus?.drain();
    await nats?.stop();
  });

  it.each(["udp", "tcp"] as const)("challenges sipp with 401 and admits its answer (%s)", async (t) => {
    const run = await runSipp({
      scenario: "uac-message-auth-expect-200.xml",
      transport: t,
      remotePort: edge.address(t)?.port ?? 0,
      extraArgs: ["-au", "proxy", "-ap", "s3cret"],
    });
    expect(run.code, run.log).toBe(0);
  });
});

import { createSocket } from "node:dgram";
import { trace } from "@opentelemetry/api";
import { createMemoryBus } from "@stox/bus";
import type { SipResponse } from "@stox/sip-parser";
import { createLogger, createMetrics } from "@stox/telemetry";
import { describe, expect, it } from "vitest";
import { sipEdgeService } from "../src/service.js";
import { sipText, startUdpPeer } from "./udp-client.js";

function freeUdpPort(): Promise<number> {
  return new Promise((done) => {
    const s = createSocket("udp4");
    s.bind(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

describe("sipEdgeService (the gateway's ServiceDefinition)", () => {
  it("starts from SIP_EDGE_* variables, answers OPTIONS and counts it in stox_sip_edge_* metrics", async () => {
    const bus = createMemoryBus();
    const metrics = createMetrics({ service: "sip-edge" });
    const port = await freeUdpPort();
    const config = sipEdgeService.loadConfig({
      SIP_EDGE_TRANSPORTS: "udp",
      SIP_EDGE_LISTEN_ADDRESS: "127.0.0.1",
      SIP_EDGE_UDP_PORT: String(port),
    });
    const running = await sipEdgeService.start({
      config,
      bus,
      logger: createLogger({ service: "sip-edge", level: "silent" }),
      metrics,
      tracer: trace.getTracer("test"),
    });
    const peer = await startUdpPeer();
    try {
      expect(running.isReady()).toBe(true);
      peer.send(sipText("OPTIONS", peer.port), port);
      const r = (await peer.waitFor((m) => !m.isRequest)) as SipResponse;
      expect(r.status).toBe(200);
      const text = await metrics.render();
      expect(text).toMatch(/stox_sip_edge_requests_received_total\{method="OPTIONS",transport="udp"\} 1/);
      expect(text).toMatch(/stox_sip_edge_final_responses_total\{method="OPTIONS",status="200"\} 1/);
    } finally {
      await running.stop();
      await peer.close();
      await bus.drain();
    }
  });
});

// The ServiceDefinition the gateway host runs: config from the environment, listeners, bus handlers, metrics.
import { createMemoryBus } from "@stox/bus";
import { MSRP_SESSION_OPEN, msrpSessionOpenCodec, msrpSessionOpenedCodec, newEventId, nowIso } from "@stox/events";
import { createLogger, createMetrics } from "@stox/telemetry";
import { afterEach, describe, expect, it } from "vitest";
import { msrpEdgeService } from "../src/index.js";
import { uniqueName } from "./helpers/edge-harness.js";
import { eventually, MapperStub } from "./helpers/mapper-stub.js";
import { RawPeer } from "./helpers/raw-peer.js";
import { Scope } from "./helpers/scope.js";
import { bindingSend, textSend } from "./helpers/wire.js";

describe("msrpEdgeService", () => {
  const scope = new Scope();
  afterEach(() => scope.close());

  it("starts from MSRP_EDGE_* variables, serves session.open and counts responses in its metrics", async () => {
    const bus = scope.add(createMemoryBus(), (b) => b.drain());
    const metrics = createMetrics({ service: "msrp-edge" });
    const instanceId = uniqueName("svc");
    const config = msrpEdgeService.loadConfig({
      MSRP_EDGE_INSTANCE_ID: instanceId,
      MSRP_EDGE_TCP_PORT: "0",
      MSRP_EDGE_BIND_HOST: "127.0.0.1",
    });
    const running = await msrpEdgeService.start({
      config,
      bus,
      logger: createLogger({ service: "msrp-edge", level: "silent" }),
      metrics,
      tracer: undefined as never,
    });
    scope.add(running, (r) => r.stop());
    expect(msrpEdgeService.name).toBe("msrp-edge");
    expect(running.isReady()).toBe(true);
    const owner = uniqueName("owner");
    const mapper = scope.add(new MapperStub(bus, owner), (m) => m.stop());
    const reply = await bus.request(
      MSRP_SESSION_OPEN,
      msrpSessionOpenCodec.encode({
        v: 1,
        id: newEventId(),
        at: nowIso(),
        owner,
        role: "answerer",
        remote: { path: ["msrp://atlanta.example.com:7654/jshA7weztas;tcp"] },
      }),
      { timeoutMs: 5000 },
    );
    const opened = msrpSessionOpenedCodec.decode(reply.data);
    if (!opened.ok) throw new Error("open failed");
    expect(opened.edge).toBe(instanceId);
    const peer = scope.add(await RawPeer.connect(opened.sdp.port), (p) => p.close());
    const to = opened.localPath[0] as string;
    peer.write(bindingSend(to, "svcbind1"));
    peer.write(textSend(to, "svcsend1", "msvcsnd1", "hello service"));
    expect(await peer.status("svcsend1")).toBe(200);
    await eventually(() => mapper.sends[0]);
    const text = await metrics.render();
    expect(text).toMatch(/stox_msrp_edge_responses_total\{status="200"\} 2/);
    expect(text).toMatch(/stox_msrp_edge_messages_delivered_total\{status="200"\} 1/);
  });
});

import { describe, expect, it } from "vitest";
import { defineService, type RunningService, startHost } from "../src/index.js";

/** A service that answers `test.<id>.ping` and reports ready only after `markReady`. */
function probeService(id: string) {
  let isReady = false;
  let stopped = false;
  let handlerStarted: () => void = () => {};
  const started = new Promise<void>((r) => {
    handlerStarted = r;
  });
  const definition = defineService({
    name: "probe",
    loadConfig: (env) => ({ greeting: env.PROBE_GREETING ?? "pong" }),
    async start({ bus, config }): Promise<RunningService> {
      const sub = bus.subscribe(`test.${id}.ping`, async (m) => {
        handlerStarted();
        await new Promise((r) => setTimeout(r, 100));
        bus.respond(m, new TextEncoder().encode(config.greeting));
      });
      return {
        isReady: () => isReady,
        async stop() {
          sub.unsubscribe();
          stopped = true;
        },
      };
    },
  });
  return { definition, markReady: () => (isReady = true), wasStopped: () => stopped, started };
}

const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

describe.each([
  ["memory", {}],
  ["nats", { NATS_URL: natsUrl }],
])("host on the %s bus", (_kind, busEnv) => {
  it("serves /healthz, /readyz and /metrics, and readiness follows its services", async () => {
    const id = `${Date.now()}${Math.random().toString(36).slice(2, 6)}`;
    const probe = probeService(id);
    const host = await startHost({
      name: "test-host",
      env: { ...busEnv, STOX_HTTP_PORT: "0", LOG_LEVEL: "silent", PROBE_GREETING: "hello" },
      services: [probe.definition],
    });
    const base = `http://127.0.0.1:${host.httpPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ checks: { bus: true, probe: false } });
    probe.markReady();
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain("stox_process_cpu_user_seconds_total");

    const reply = await host.bus.request(`test.${id}.ping`, new Uint8Array(0), { timeoutMs: 2_000 });
    expect(new TextDecoder().decode(reply.data)).toBe("hello");
    await host.stop();
    expect(probe.wasStopped()).toBe(true);
  });

  it("lets an in-flight request finish when it drains", async () => {
    const id = `${Date.now()}${Math.random().toString(36).slice(2, 6)}`;
    const probe = probeService(id);
    const host = await startHost({
      name: "test-host",
      env: { ...busEnv, STOX_HTTP_PORT: "0", LOG_LEVEL: "silent" },
      services: [probe.definition],
    });
    const inFlight = host.bus.request(`test.${id}.ping`, new Uint8Array(0), { timeoutMs: 2_000 });
    // Drain once the handler runs (a fixed sleep raced the NATS round trip on a loaded machine).
    await probe.started;
    // Readiness drops as soon as draining starts; the reply still arrives.
    const stopped = host.stop();
    expect(host.readiness().isReady).toBe(false);
    expect(new TextDecoder().decode((await inFlight).data)).toBe("pong");
    await stopped;
  });
});

describe.each([
  ["memory", {}],
  ["nats", { NATS_URL: natsUrl }],
])("trace context on the %s bus", (_kind, busEnv) => {
  async function headersSeen(traceContext: "on" | "off"): Promise<Record<string, string>> {
    const id = `${Date.now()}${Math.random().toString(36).slice(2, 6)}`;
    let seen: Record<string, string> = {};
    const echo = defineService({
      name: "echo",
      loadConfig: () => ({}),
      async start({ bus }): Promise<RunningService> {
        const sub = bus.subscribe(`test.${id}.echo`, (m) => {
          seen = { ...m.headers };
          bus.respond(m, m.data);
        });
        return { isReady: () => true, stop: async () => sub.unsubscribe() };
      },
    });
    const host = await startHost({
      name: "trace-host",
      env: { ...busEnv, STOX_HTTP_PORT: "0", LOG_LEVEL: "silent", STOX_TRACE_CONTEXT: traceContext },
      services: [echo],
    });
    try {
      await host.bus.request(`test.${id}.echo`, new Uint8Array([1]), { timeoutMs: 2_000 });
    } finally {
      await host.stop();
    }
    return seen;
  }

  it("carries a W3C traceparent across the bus by default (STOX_TRACE_CONTEXT=on)", async () => {
    expect((await headersSeen("on")).traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  it("sends no trace headers with STOX_TRACE_CONTEXT=off", async () => {
    expect((await headersSeen("off")).traceparent).toBeUndefined();
  });
});

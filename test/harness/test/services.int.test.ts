import { join } from "node:path";
import { connectNatsBus } from "@stox/bus";
import { defineService } from "@stox/service-kit";
import { afterAll, describe, expect, it, onTestFailed } from "vitest";
import {
  canConnect,
  cleanup,
  HarnessProcessError,
  isProcessAlive,
  isReady,
  markFailed,
  registerCleanup,
  startNats,
  startServiceProcess,
  startServicesInProcess,
} from "../src/index.js";

/** A stand-in service: answers "harness.echo" requests with the same bytes. */
const echo = defineService({
  name: "echo",
  loadConfig: (env) => ({ subject: env.ECHO_SUBJECT ?? "harness.echo" }),
  start: async ({ bus, config }) => {
    const sub = bus.subscribe(config.subject, (msg) => bus.respond(msg, msg.data), { queue: "echo" });
    return { isReady: () => true, stop: async () => sub.unsubscribe() };
  },
});

describe("starting stox services", () => {
  afterAll(() => cleanup());

  it.each(["memory", "nats"] as const)(
    "runs service definitions in process on the %s bus, ready on /readyz",
    async (bus) => {
      onTestFailed(() => markFailed());
      const nats = bus === "nats" ? await startNats() : undefined;
      const services = await startServicesInProcess({
        services: [echo],
        bus,
        ...(nats ? { natsUrl: nats.url } : {}),
        env: { ECHO_SUBJECT: `harness.echo.${bus}` },
      });

      const reply = await services.host.bus.request(`harness.echo.${bus}`, new TextEncoder().encode("ping"), {
        timeoutMs: 2_000,
      });

      expect(new TextDecoder().decode(reply.data)).toBe("ping");
      expect(services.host.config.bus).toBe(bus);
      expect(await isReady(services.httpUrl)).toBe(true);
      await services.stop();
      expect(await isReady(services.httpUrl)).toBe(false);
    },
  );

  it("runs a service entry point as a separate process on NATS, ready on /readyz, and stops it with SIGTERM", async () => {
    onTestFailed(() => markFailed());
    const nats = await startNats({ isPrivate: true });
    const proc = await startServiceProcess({
      entry: join(import.meta.dirname, "fixtures/echo-main.ts"),
      natsUrl: nats.url,
    });
    const port = Number(new URL(proc.httpUrl).port);
    const client = await connectNatsBus({ url: nats.url, name: "harness-test" });
    registerCleanup("test bus", () => client.drain());

    const body = (await (await fetch(`${proc.httpUrl}/readyz`)).json()) as { checks: Record<string, boolean> };
    const reply = await client.request("harness.echo.process", new TextEncoder().encode("pong"), { timeoutMs: 2_000 });

    expect(body.checks).toEqual({ bus: true, echo: true });
    expect(new TextDecoder().decode(reply.data)).toBe("pong");
    await proc.stop();
    expect(isProcessAlive(proc.pid)).toBe(false);
    expect(await canConnect(port)).toBe(false);
    expect(proc.log()).toContain("draining");
  });

  it("rejects with the process log when the gateway exits before it is ready", async () => {
    onTestFailed(() => markFailed());
    // The real gateway: an unknown STOX_SERVICES name is a ConfigError before any service starts.
    const failure = startServiceProcess({ services: ["no-such-service"], bus: "memory" });
    await expect(failure).rejects.toBeInstanceOf(HarnessProcessError);
    await expect(failure).rejects.toThrow(/STOX_SERVICES/);
  });
});

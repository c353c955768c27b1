import { defineService } from "@stox/service-kit";
import { afterAll, describe, expect, it, onTestFailed } from "vitest";
import {
  canConnect,
  cleanup,
  HarnessProcessError,
  isProcessAlive,
  isReady,
  markFailed,
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

  it("runs the gateway as a separate process on NATS and stops it with SIGTERM", async () => {
    onTestFailed(() => markFailed());
    const nats = await startNats();
    const gateway = await startServiceProcess({ services: "all", natsUrl: nats.url });
    const port = Number(new URL(gateway.httpUrl).port);

    const body = (await (await fetch(`${gateway.httpUrl}/readyz`)).json()) as { checks: Record<string, boolean> };
    expect(body.checks.bus).toBe(true);

    await gateway.stop();
    expect(isProcessAlive(gateway.pid)).toBe(false);
    expect(await canConnect(port)).toBe(false);
    expect(gateway.log()).toContain("stox ready");
  });

  it("rejects with the process log when the gateway exits before it is ready", async () => {
    onTestFailed(() => markFailed());
    const failure = startServiceProcess({ services: ["no-such-service"], bus: "memory" });
    await expect(failure).rejects.toBeInstanceOf(HarnessProcessError);
    await expect(failure).rejects.toThrow(/STOX_SERVICES/);
  });
});

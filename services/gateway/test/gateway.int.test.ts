import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../src/index.js";

const root = resolve(import.meta.dirname, "../../..");
// Free ports on loopback, so parallel test files never collide on 5060/2855.
const loopbackPorts = {
  SIP_EDGE_LISTEN_ADDRESS: "127.0.0.1",
  SIP_EDGE_UDP_PORT: "0",
  SIP_EDGE_TCP_PORT: "0",
  MSRP_EDGE_BIND_HOST: "127.0.0.1",
  MSRP_EDGE_TCP_PORT: "0",
};
const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

function startProcess(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", "services/gateway/src/main.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += String(d);
  });
  child.stderr?.on("data", (d) => {
    out += String(d);
  });
  return { child, output: () => out };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => child.on("exit", (code) => r(code)));
}

async function waitForLine(output: () => string, text: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no "${text}" in output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return output();
}

describe("gateway process", () => {
  it.each([
    ["embedded (in-memory bus)", {}, "memory"],
    ["NATS", { NATS_URL: natsUrl }, "nats"],
  ])("starts %s, reports ready, and exits 0 on SIGTERM", async (_label, env, bus) => {
    const { child, output } = startProcess({ ...env, ...loopbackPorts, STOX_HTTP_PORT: "0" });
    const exited = exitOf(child);
    const out = await waitForLine(output, "stox ready");
    const ready = JSON.parse(out.split("\n").find((l) => l.includes("stox ready")) ?? "{}");
    expect(ready.bus).toBe(bus);
    // With no XMPP settings the default ("auto") starts everything else and says what it skipped.
    expect(ready.services).toEqual(["presence-mapper", "chat-mapper", "msrp-edge", "sip-edge"]);
    expect(ready.skipped).toEqual(["xmpp-edge"]);
    expect(out).toContain("XMPP_EDGE_DOMAINS: must name at least one domain");
    const res = await fetch(`${ready.http}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ready",
      checks: { bus: true, "presence-mapper": true, "chat-mapper": true, "msrp-edge": true, "sip-edge": true },
    });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output()).toContain('"msg":"stopped"');
  });

  it("refuses to start on an invalid variable and names it", async () => {
    const { child, output } = startProcess({ STOX_HTTP_PORT: "eighty" });
    expect(await exitOf(child)).toBe(78);
    expect(output()).toContain("STOX_HTTP_PORT: must be a whole number");
  });

  it("refuses to start every service with STOX_SERVICES=all when one is not configured", async () => {
    const { child, output } = startProcess({ ...loopbackPorts, STOX_HTTP_PORT: "0", STOX_SERVICES: "all" });
    expect(await exitOf(child)).toBe(78);
    expect(output()).toContain("XMPP_EDGE_DOMAINS: must name at least one domain");
  });

  it("runs one named service per process, as a Kubernetes pod does", async () => {
    const { child, output } = startProcess({ ...loopbackPorts, STOX_HTTP_PORT: "0", STOX_SERVICES: "chat-mapper" });
    const exited = exitOf(child);
    const out = await waitForLine(output, "stox ready");
    const ready = JSON.parse(out.split("\n").find((l) => l.includes("stox ready")) ?? "{}");
    expect(ready.services).toEqual(["chat-mapper"]);
    expect(ready.service).toBe("chat-mapper");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("refuses an unknown service name", () => {
    expect(() => loadGatewayConfig({ STOX_SERVICES: "sip-edge,nope" }, ["sip-edge"])).toThrow(
      /STOX_SERVICES: unknown service "nope"/,
    );
  });

  it("keeps registry order whatever order services are named in", () => {
    expect(loadGatewayConfig({ STOX_SERVICES: "b,a" }, ["a", "b", "c"]).services).toEqual(["a", "b"]);
  });
});

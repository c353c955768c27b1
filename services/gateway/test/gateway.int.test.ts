import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../src/index.js";

const root = resolve(import.meta.dirname, "../../..");
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
    const { child, output } = startProcess({ ...env, STOX_HTTP_PORT: "0" });
    const exited = exitOf(child);
    const out = await waitForLine(output, "stox ready");
    const ready = JSON.parse(out.split("\n").find((l) => l.includes("stox ready")) ?? "{}");
    expect(ready.bus).toBe(bus);
    const res = await fetch(`${ready.http}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ready", checks: { bus: true } });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output()).toContain('"msg":"stopped"');
  });

  it("refuses to start on an invalid variable and names it", async () => {
    const { child, output } = startProcess({ STOX_HTTP_PORT: "eighty" });
    expect(await exitOf(child)).toBe(78);
    expect(output()).toContain("STOX_HTTP_PORT: must be a whole number");
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

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHost } from "@stox/service-kit";
import { afterEach, describe, expect, it } from "vitest";
import { xmppEdgeService } from "../src/index.js";
import { FakeComponentServer } from "./support/fake-component-server.js";

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

describe("xmppEdgeService on a service-kit host", () => {
  it("starts from env, reports ready once its component stream is up, and exposes stox_xmpp_edge_* metrics", async () => {
    const server = await FakeComponentServer.start("host-secret");
    cleanups.push(() => server.close());
    const dir = mkdtempSync(join(tmpdir(), "xmpp-edge-host-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "secret"), "host-secret");
    const host = await startHost({
      name: "gateway-test",
      env: {
        STOX_BUS: "memory",
        STOX_HTTP_PORT: "0",
        LOG_LEVEL: "silent",
        XMPP_EDGE_DOMAINS: "sip.example.com",
        XMPP_EDGE_COMPONENT_PORT: String(server.port),
        XMPP_EDGE_COMPONENT_SECRET_FILE: join(dir, "secret"),
      },
      services: [xmppEdgeService],
    });
    cleanups.push(() => host.stop());
    await server.until(() => host.readiness().isReady, "ready");
    expect(host.readiness().checks).toMatchObject({ "xmpp-edge": true });
    const metrics = await (await fetch(`http://127.0.0.1:${host.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/stox_xmpp_edge_streams_up\{mode="component"\} 1/);
  });
});

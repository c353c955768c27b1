// Starts the edge against a FakeComponentServer on a given bus, with a secret file and fast timers.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bus } from "@stox/bus";
import { createLogger, createMetrics, type Metrics } from "@stox/telemetry";
import { loadConfig } from "../../src/config.js";
import { startXmppEdge, type XmppEdge } from "../../src/edge.js";

export const SECRET = "s3cret-for-tests";

export interface EdgeFixture {
  readonly edge: XmppEdge;
  readonly metrics: Metrics;
  stop(): Promise<void>;
}

export async function startEdge(bus: Bus, port: number, env: Record<string, string> = {}): Promise<EdgeFixture> {
  const dir = mkdtempSync(join(tmpdir(), "xmpp-edge-"));
  const secretFile = join(dir, "secret");
  writeFileSync(secretFile, `${SECRET}\n`);
  const config = loadConfig({
    XMPP_EDGE_DOMAINS: "sip.example.com",
    XMPP_EDGE_COMPONENT_PORT: String(port),
    XMPP_EDGE_COMPONENT_SECRET_FILE: secretFile,
    XMPP_EDGE_RECONNECT_INITIAL_MS: "20",
    XMPP_EDGE_RECONNECT_MAX_MS: "200",
    XMPP_EDGE_REQUEST_TIMEOUT_MS: "300",
    XMPP_EDGE_USER_FEATURES: "urn:xmpp:jingle:1",
    ...env,
  });
  const metrics = createMetrics({ service: "xmpp-edge" });
  const edge = await startXmppEdge({
    config,
    bus,
    logger: createLogger({ service: "xmpp-edge", level: "silent" }),
    metrics,
  });
  return {
    edge,
    metrics,
    async stop() {
      await edge.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Starts an edge in s2s mode on a free loopback port, with optional TLS material and a static route table
// that the test fills in (ports are known only after the listeners bind).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Bus, createMemoryBus } from "@stox/bus";
import { createLogger, createMetrics, type Metrics } from "@stox/telemetry";
import type { TestCertificates } from "@stox/test-harness";
import { loadConfig } from "../../src/config.js";
import { startXmppEdge, type XmppEdge } from "../../src/edge.js";
import type { S2sTarget } from "../../src/s2s/s2s-resolver.js";

export interface S2sFixture {
  readonly edge: XmppEdge;
  readonly bus: Bus;
  readonly port: number;
  readonly metrics: Metrics;
  readonly dialbackSecret: string;
  stop(): Promise<void>;
}

export interface S2sFixtureOptions {
  readonly domain: string;
  /** Shared, filled by the test: domain -> where to dial it. */
  readonly routes: Map<string, S2sTarget>;
  readonly cert?: TestCertificates;
  readonly caFile?: string;
  readonly requireTls?: boolean;
  readonly bus?: Bus;
  readonly env?: Record<string, string>;
}

export async function startS2sEdge(options: S2sFixtureOptions): Promise<S2sFixture> {
  const dir = mkdtempSync(join(tmpdir(), "xmpp-edge-s2s-"));
  const dialbackSecret = `dialback-${options.domain}`;
  writeFileSync(join(dir, "dialback"), dialbackSecret);
  const env: Record<string, string> = {
    XMPP_EDGE_MODE: "s2s",
    XMPP_EDGE_DOMAINS: options.domain,
    XMPP_EDGE_S2S_HOST: "127.0.0.1",
    XMPP_EDGE_S2S_PORT: "0",
    XMPP_EDGE_DIALBACK_SECRET_FILE: join(dir, "dialback"),
    XMPP_EDGE_S2S_REQUIRE_TLS: String(options.requireTls ?? false),
    XMPP_EDGE_S2S_TIMEOUT_MS: "5000",
    XMPP_EDGE_REQUEST_TIMEOUT_MS: "1000",
    ...(options.cert
      ? { XMPP_EDGE_S2S_TLS_KEY_FILE: options.cert.keyFile, XMPP_EDGE_S2S_TLS_CERT_FILE: options.cert.certFile }
      : {}),
    ...(options.caFile ? { XMPP_EDGE_S2S_TLS_CA_FILE: options.caFile } : {}),
    ...options.env,
  };
  const bus = options.bus ?? createMemoryBus();
  const metrics = createMetrics({ service: "xmpp-edge" });
  const edge = await startXmppEdge({
    config: loadConfig(env),
    bus,
    logger: createLogger({ service: "xmpp-edge", level: "silent" }),
    metrics,
    resolver: async (domain) => {
      const target = options.routes.get(domain);
      return target ? [target] : [];
    },
  });
  const port = edge.s2s?.port ?? 0;
  options.routes.set(options.domain, { host: "127.0.0.1", port });
  return {
    edge,
    bus,
    port,
    metrics,
    dialbackSecret,
    async stop() {
      await edge.stop();
      if (!options.bus) await bus.drain();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import type { Bus } from "@stox/bus";
import type { XmlElement } from "@stox/events";
import type { Logger, Metrics } from "@stox/telemetry";
import { ComponentPool } from "./component/component-pool.js";
import type { XmppEdgeConfig } from "./config.js";
import { createEdgeMetrics } from "./edge-metrics.js";
import { handleInbound, type InboundDeps } from "./inbound.js";
import { startOutbound } from "./outbound.js";
import { RateLimiter } from "./rate-limiter.js";
import { NS } from "./xml/namespaces.js";
import { XmppStreamError } from "./xml/stream-errors.js";

export interface XmppEdgeDeps {
  readonly config: XmppEdgeConfig;
  readonly bus: Bus;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** A running edge. */
export interface XmppEdge {
  isReady(): boolean;
  stop(): Promise<void>;
  /** The component pool (component mode), for tests and diagnostics. */
  readonly components: ComponentPool | undefined;
}

/** Starts the component streams, the inbound pipeline and the outbound consumer. */
export function startXmppEdge(deps: XmppEdgeDeps): XmppEdge {
  const { config, bus, logger } = deps;
  if (config.mode !== "component") {
    // TODO(issue 7): s2s mode (src/s2s) is not wired into the service yet.
    throw new Error("XMPP_EDGE_MODE=s2s is not available yet");
  }
  const metrics = createEdgeMetrics(deps.metrics);
  const inbound: InboundDeps = {
    bus,
    logger,
    metrics,
    limiter: new RateLimiter({ ratePerSecond: config.ratePerSecond, burst: config.rateBurst }),
    requestTimeoutMs: config.requestTimeoutMs,
    self: {
      domains: config.domains,
      name: config.softwareName,
      version: config.softwareVersion,
      domainFeatures: config.domainFeatures,
      userFeatures: config.userFeatures,
    },
  };
  const pool: ComponentPool = new ComponentPool(
    config.domains,
    {
      host: config.componentHost,
      port: config.componentPort,
      secret: config.componentSecret ?? "",
      limits: { maxStanzaBytes: config.maxStanzaBytes, maxDepth: config.maxDepth },
      keepAliveMs: config.keepAliveMs,
      backoff: { initialMs: config.reconnectInitialMs, maxMs: config.reconnectMaxMs },
      handshakeTimeoutMs: config.handshakeTimeoutMs,
    },
    {
      onOnline: (domain) => {
        refreshGauge();
        logger.info({ domain }, "component stream online");
      },
      onOffline: (domain, error) => {
        refreshGauge();
        // Stanzas that broke a stream rule (size, depth, restricted XML) end the stream; count them.
        if (error instanceof XmppStreamError) metrics.rejected.inc({ reason: `stream-${error.condition}` });
        logger.warn({ domain, err: error }, "component stream offline");
      },
      onStanza: (stanza, domain) => onStanza(stanza, domain),
    },
  );
  function refreshGauge(): void {
    metrics.streamsUp.set({ mode: "component" }, pool.connections.filter((c) => c.isOnline).length);
  }

  function onStanza(stanza: XmlElement, domain: string): void {
    const connection = pool.connection(domain);
    if (!connection) return;
    handleInbound(
      stanza,
      {
        policy: { mode: "component", domains: config.domains },
        namespace: NS.component,
        send: (s) => connection.send(s),
        fail: (condition, text) => connection.failStream(condition, text),
      },
      inbound,
    ).catch((err: unknown) => logger.error({ err }, "inbound stanza handling failed"));
  }

  const outbound = startOutbound({ bus, logger, metrics, router: pool, domains: config.domains, queue: "xmpp-edge" });
  pool.start();
  return {
    components: pool,
    isReady: () => pool.isOnline(),
    async stop() {
      outbound.stop();
      await pool.stop();
    },
  };
}

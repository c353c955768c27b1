import type { Bus } from "@stox/bus";
import type { XmlElement } from "@stox/events";
import type { Logger, Metrics } from "@stox/telemetry";
import { ComponentPool } from "./component/component-pool.js";
import type { XmppEdgeConfig } from "./config.js";
import { createEdgeMetrics, type EdgeMetrics } from "./edge-metrics.js";
import { createInFlightGate, type InFlightGate } from "./in-flight-gate.js";
import { handleInbound, type InboundDeps } from "./inbound.js";
import { startOutbound } from "./outbound.js";
import { RateLimiter } from "./rate-limiter.js";
import type { InboundS2sSession } from "./s2s/inbound-s2s.js";
import { S2sNode } from "./s2s/s2s-node.js";
import { createSrvResolver, createStaticResolver, type S2sResolver } from "./s2s/s2s-resolver.js";
import { NS } from "./xml/namespaces.js";
import { XmppStreamError } from "./xml/stream-errors.js";

export interface XmppEdgeDeps {
  readonly config: XmppEdgeConfig;
  readonly bus: Bus;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** S2S only: how remote domains are found (default: static routes from config, then SRV). */
  readonly resolver?: S2sResolver;
}

/** A running edge. */
export interface XmppEdge {
  isReady(): boolean;
  stop(): Promise<void>;
  /** The component pool (component mode), for tests and diagnostics. */
  readonly components: ComponentPool | undefined;
  /** The s2s node (s2s mode) and its bound port. */
  readonly s2s: { readonly node: S2sNode; readonly port: number } | undefined;
}

/** Starts the streams (component pool or s2s node), the inbound pipeline and the outbound consumer. */
export async function startXmppEdge(deps: XmppEdgeDeps): Promise<XmppEdge> {
  const { config, bus, logger } = deps;
  const metrics = createEdgeMetrics(deps.metrics);
  const inbound: InboundDeps = {
    bus,
    logger,
    metrics,
    limiter: new RateLimiter({ ratePerSecond: config.ratePerSecond, burst: config.rateBurst }),
    peerLimiter: new RateLimiter({ ratePerSecond: config.peerRatePerSecond, burst: config.peerRateBurst }),
    requestTimeoutMs: config.requestTimeoutMs,
    self: {
      domains: config.domains,
      name: config.softwareName,
      version: config.softwareVersion,
      domainFeatures: config.domainFeatures,
      userFeatures: config.userFeatures,
    },
  };
  const onInboundError = (err: unknown) => logger.error({ err }, "inbound stanza handling failed");
  if (config.mode === "s2s") return startS2s(deps, metrics, inbound, onInboundError);

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
        countStreamRejection(metrics, error);
        logger.warn({ domain, err: error }, "component stream offline");
      },
      onStanza: (stanza, domain) => onStanza(stanza, domain),
    },
  );
  function refreshGauge(): void {
    metrics.streamsUp.set({ mode: "component" }, pool.connections.filter((c) => c.isOnline).length);
  }
  const gates = new Map<string, InFlightGate>();
  function onStanza(stanza: XmlElement, domain: string): void {
    const connection = pool.connection(domain);
    if (!connection) return;
    let gate = gates.get(domain);
    if (!gate) {
      gate = createInFlightGate(
        config.maxInFlight,
        () => connection.pause(),
        () => connection.resume(),
      );
      gates.set(domain, gate);
    }
    const settle = gate.enter();
    const stream = {
      policy: { mode: "component" as const, domains: config.domains },
      namespace: NS.component,
      send: (s: XmlElement) => connection.send(s),
      fail: (condition: XmppStreamError["condition"], text: string) => connection.failStream(condition, text),
    };
    handleInbound(stanza, stream, inbound).catch(onInboundError).finally(settle);
  }

  const outbound = startOutbound({ bus, logger, metrics, router: pool, domains: config.domains, queue: "xmpp-edge" });
  pool.start();
  return {
    components: pool,
    s2s: undefined,
    isReady: () => pool.isOnline(),
    async stop() {
      outbound.stop();
      await pool.stop();
    },
  };
}

/** Stanzas that broke a stream rule (size, depth, restricted XML) end the stream; count them. */
function countStreamRejection(metrics: EdgeMetrics, error: Error | undefined): void {
  if (error instanceof XmppStreamError) metrics.rejected.inc({ reason: `stream-${error.condition}` });
}

async function startS2s(
  deps: XmppEdgeDeps,
  metrics: EdgeMetrics,
  inbound: InboundDeps,
  onInboundError: (err: unknown) => void,
): Promise<XmppEdge> {
  const { config, bus, logger } = deps;
  const s2s = config.s2s;
  const resolver = deps.resolver ?? createStaticResolver(s2s.routes, createSrvResolver());
  const gates = new WeakMap<InboundS2sSession, InFlightGate>();
  const node: S2sNode = new S2sNode(
    {
      localDomains: config.domains,
      host: s2s.host,
      port: s2s.port,
      resolver,
      limits: { maxStanzaBytes: config.maxStanzaBytes, maxDepth: config.maxDepth },
      keepAliveMs: config.keepAliveMs,
      timeoutMs: s2s.timeoutMs,
      tls:
        s2s.tlsKey && s2s.tlsCert
          ? { key: s2s.tlsKey, cert: s2s.tlsCert, ...(s2s.tlsCa ? { ca: [s2s.tlsCa] } : {}) }
          : undefined,
      requireTls: s2s.requireTls,
      dialbackSecret: s2s.dialbackSecret ?? "",
      maxInbound: s2s.maxInbound,
    },
    {
      onStanza: (stanza, session) => {
        const stream = {
          policy: { mode: "s2s" as const, localDomains: config.domains, peerDomains: session.peerDomains },
          ...(session.peer ? { peer: session.peer } : {}),
          namespace: NS.server,
          // RFC 6120 §2.4: s2s streams are one-way; answers travel on our outbound stream to the peer.
          send: (reply: XmlElement) => {
            node
              .route(reply)
              .then((r) => r.ok || logger.debug({ reason: r.message }, "s2s reply not delivered"))
              .catch(onInboundError);
            return true;
          },
          fail: (condition: XmppStreamError["condition"], text: string) => session.transport.fail(condition, text),
        };
        let gate = gates.get(session);
        if (!gate) {
          gate = createInFlightGate(
            config.maxInFlight,
            () => session.transport.pause(),
            () => session.transport.resume(),
          );
          gates.set(session, gate);
        }
        handleInbound(stanza, stream, inbound).catch(onInboundError).finally(gate.enter());
      },
      onStreamClosed: (direction, peer, error) => {
        countStreamRejection(metrics, error);
        logger.info({ direction, peer, err: error }, "s2s stream closed");
      },
    },
  );
  const port = await node.start();
  logger.info({ port }, "s2s listener up");
  const outbound = startOutbound({ bus, logger, metrics, router: node, domains: config.domains, queue: "xmpp-edge" });
  return {
    components: undefined,
    s2s: { node, port },
    isReady: () => node.isListening(),
    async stop() {
      outbound.stop();
      await node.stop();
    },
  };
}

import {
  ConfigError,
  type Env,
  readEnum,
  readInt,
  readList,
  readPort,
  readSecretFile,
  readString,
} from "@stox/service-kit";

/** The edge's settings, read once from the environment (see the README's Config table). */
export interface XmppEdgeConfig {
  /** component = XEP-0114 behind an XMPP server; s2s = the gateway is the XMPP server for its domains. */
  readonly mode: "component" | "s2s";
  /** Domains served (the SIP side's XMPP names), lower case. */
  readonly domains: readonly string[];
  readonly componentHost: string;
  readonly componentPort: number;
  readonly componentSecret: string | undefined;
  readonly keepAliveMs: number;
  readonly reconnectInitialMs: number;
  readonly reconnectMaxMs: number;
  readonly handshakeTimeoutMs: number;
  readonly maxStanzaBytes: number;
  readonly maxDepth: number;
  readonly ratePerSecond: number;
  readonly rateBurst: number;
  readonly requestTimeoutMs: number;
  readonly domainFeatures: readonly string[];
  readonly userFeatures: readonly string[];
  readonly softwareName: string;
  readonly softwareVersion: string;
}

export function loadConfig(env: Env): XmppEdgeConfig {
  const mode = readEnum(env, "XMPP_EDGE_MODE", ["component", "s2s"] as const, "component");
  const domains = readList(env, "XMPP_EDGE_DOMAINS", []).map((d) => d.toLowerCase().replace(/\.$/, ""));
  if (domains.length === 0) throw new ConfigError("XMPP_EDGE_DOMAINS", "must name at least one domain to serve");
  const componentSecret = readSecretFile(env, "XMPP_EDGE_COMPONENT_SECRET_FILE")?.trim();
  if (mode === "component" && !componentSecret) {
    throw new ConfigError(
      "XMPP_EDGE_COMPONENT_SECRET_FILE",
      "is required in component mode: point it at a file holding the component secret",
    );
  }
  const reconnectInitialMs = readInt(env, "XMPP_EDGE_RECONNECT_INITIAL_MS", 500, { min: 10 });
  const reconnectMaxMs = readInt(env, "XMPP_EDGE_RECONNECT_MAX_MS", 30_000, { min: 10 });
  if (reconnectMaxMs < reconnectInitialMs) {
    throw new ConfigError("XMPP_EDGE_RECONNECT_MAX_MS", "must not be smaller than XMPP_EDGE_RECONNECT_INITIAL_MS");
  }
  return Object.freeze({
    mode,
    domains,
    componentHost: readString(env, "XMPP_EDGE_COMPONENT_HOST", "127.0.0.1"),
    componentPort: readPort(env, "XMPP_EDGE_COMPONENT_PORT", 5347),
    componentSecret,
    keepAliveMs: readInt(env, "XMPP_EDGE_KEEPALIVE_MS", 30_000, { min: 0 }), // whitespace ping when idle
    reconnectInitialMs,
    reconnectMaxMs,
    handshakeTimeoutMs: readInt(env, "XMPP_EDGE_HANDSHAKE_TIMEOUT_MS", 10_000, { min: 100 }),
    // RFC 6120 §13.12: a limit on stanza size must be at least 10,000 bytes.
    maxStanzaBytes: readInt(env, "XMPP_EDGE_MAX_STANZA_BYTES", 262_144, { min: 10_000 }),
    maxDepth: readInt(env, "XMPP_EDGE_MAX_DEPTH", 32, { min: 2, max: 1000 }),
    ratePerSecond: readInt(env, "XMPP_EDGE_RATE_PER_SECOND", 50, { min: 0 }), // per sender; 0 = unlimited
    rateBurst: readInt(env, "XMPP_EDGE_RATE_BURST", 200, { min: 1 }),
    requestTimeoutMs: readInt(env, "XMPP_EDGE_REQUEST_TIMEOUT_MS", 10_000, { min: 10 }),
    domainFeatures: readList(env, "XMPP_EDGE_DISCO_FEATURES", []),
    userFeatures: readList(env, "XMPP_EDGE_USER_FEATURES", []),
    softwareName: readString(env, "XMPP_EDGE_SOFTWARE_NAME", "stox"),
    softwareVersion: readString(env, "XMPP_EDGE_SOFTWARE_VERSION", "0.1.0"),
  });
}

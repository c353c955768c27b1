import {
  ConfigError,
  type Env,
  readBool,
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
  readonly peerRatePerSecond: number;
  readonly peerRateBurst: number;
  readonly requestTimeoutMs: number;
  readonly maxInFlight: number;
  readonly domainFeatures: readonly string[];
  readonly userFeatures: readonly string[];
  readonly softwareName: string;
  readonly softwareVersion: string;
  readonly s2s: S2sConfig;
}

/** Server-to-server mode settings (used when mode is "s2s"). */
export interface S2sConfig {
  readonly host: string;
  readonly port: number;
  readonly tlsKey: string | undefined;
  readonly tlsCert: string | undefined;
  readonly tlsCa: string | undefined;
  readonly requireTls: boolean;
  readonly dialbackSecret: string | undefined;
  readonly timeoutMs: number;
  readonly maxInbound: number;
  /** Static routes that override SRV: domain -> host:port. */
  readonly routes: Readonly<Record<string, { readonly host: string; readonly port: number }>>;
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
    // per stream peer (the XMPP server of a component link, or an s2s peer domain); 0 = unlimited
    peerRatePerSecond: readInt(env, "XMPP_EDGE_PEER_RATE_PER_SECOND", 0, { min: 0 }),
    peerRateBurst: readInt(env, "XMPP_EDGE_PEER_RATE_BURST", 1000, { min: 1 }),
    // Longer than the mappers wait for SIP (40 s, beyond Timer F = 32 s), so a slow SIP answer still reaches the sender.
    requestTimeoutMs: readInt(env, "XMPP_EDGE_REQUEST_TIMEOUT_MS", 45_000, { min: 10 }),
    // inbound stanzas awaiting a mapper's reply, per stream; past it the edge stops reading that stream
    maxInFlight: readInt(env, "XMPP_EDGE_MAX_IN_FLIGHT", 1000, { min: 1 }),
    domainFeatures: readList(env, "XMPP_EDGE_DISCO_FEATURES", []),
    userFeatures: readList(env, "XMPP_EDGE_USER_FEATURES", []),
    softwareName: readString(env, "XMPP_EDGE_SOFTWARE_NAME", "stox"),
    softwareVersion: readString(env, "XMPP_EDGE_SOFTWARE_VERSION", "0.1.0"),
    s2s: loadS2sConfig(env, mode === "s2s"),
  });
}

function loadS2sConfig(env: Env, isUsed: boolean): S2sConfig {
  const tlsKey = readSecretFile(env, "XMPP_EDGE_S2S_TLS_KEY_FILE");
  const tlsCert = readSecretFile(env, "XMPP_EDGE_S2S_TLS_CERT_FILE");
  // CORE-SEC-01 (PROJ): TLS is required on s2s links unless explicitly turned off.
  const requireTls = readBool(env, "XMPP_EDGE_S2S_REQUIRE_TLS", true);
  const dialbackSecret = readSecretFile(env, "XMPP_EDGE_DIALBACK_SECRET_FILE")?.trim();
  if (isUsed && requireTls && (!tlsKey || !tlsCert)) {
    throw new ConfigError(
      "XMPP_EDGE_S2S_TLS_CERT_FILE",
      "and XMPP_EDGE_S2S_TLS_KEY_FILE are required when XMPP_EDGE_S2S_REQUIRE_TLS is true",
    );
  }
  if (isUsed && !dialbackSecret) {
    throw new ConfigError("XMPP_EDGE_DIALBACK_SECRET_FILE", "is required in s2s mode (XEP-0185 dialback keys)");
  }
  const routes: Record<string, { host: string; port: number }> = {};
  for (const entry of readList(env, "XMPP_EDGE_S2S_ROUTES", [])) {
    const m = /^([^=]+)=(.+):(\d+)$/.exec(entry);
    if (!m) throw new ConfigError("XMPP_EDGE_S2S_ROUTES", `entry ${JSON.stringify(entry)} is not domain=host:port`);
    routes[(m[1] as string).toLowerCase()] = { host: m[2] as string, port: Number(m[3]) };
  }
  return Object.freeze({
    host: readString(env, "XMPP_EDGE_S2S_HOST", "0.0.0.0"),
    port: readPort(env, "XMPP_EDGE_S2S_PORT", 5269),
    tlsKey,
    tlsCert,
    tlsCa: readSecretFile(env, "XMPP_EDGE_S2S_TLS_CA_FILE"),
    requireTls,
    dialbackSecret,
    timeoutMs: readInt(env, "XMPP_EDGE_S2S_TIMEOUT_MS", 15_000, { min: 100 }),
    maxInbound: readInt(env, "XMPP_EDGE_S2S_MAX_INBOUND", 1000, { min: 1 }),
    routes: Object.freeze(routes),
  });
}

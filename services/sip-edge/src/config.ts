import { readFileSync } from "node:fs";
import {
  ConfigError,
  type Env,
  readInt,
  readList,
  readOptionalString,
  readPort,
  readSecretFile,
  readString,
} from "@stox/service-kit";
import type { TransportProtocol } from "./transport/types.js";

export interface TransportConfig {
  readonly protocol: TransportProtocol;
  readonly address: string;
  readonly port: number;
}

export interface SipEdgeConfig {
  readonly transports: readonly TransportConfig[];
  /** Host written in Via and Contact (defaults to the listen address, or 127.0.0.1 for a wildcard). */
  readonly publicHost: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** CA for client certificates: TLS peers it verifies are trusted like SIP_EDGE_TRUSTED_PEERS (mutual TLS). */
  readonly tlsClientCa?: string;
  readonly timers: { readonly t1: number; readonly t2: number; readonly t4: number };
  readonly mapperTimeoutMs: number;
  readonly inviteMapperTimeoutMs: number;
  readonly retryAfterSeconds: number;
  /** Requests waiting for a mapper at once; more are answered 503 + Retry-After (overload). */
  readonly maxPendingRequests: number;
  readonly maxMessageBytes: number;
  /** Receive buffer asked of the OS for the UDP socket; 0 keeps the OS default. */
  readonly udpReceiveBufferBytes: number;
  readonly maxBodyBytes: number;
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly trustedPeers: readonly string[];
  readonly digestRealm?: string;
  readonly digestUsers?: ReadonlyMap<string, string>;
  readonly digestNonceSecret?: string;
  /** Digest challenges offered, preferred first. Some UACs (sipp 3.6) only try the first one and only know MD5. */
  readonly digestAlgorithms: readonly ("SHA-256" | "MD5")[];
  readonly ratePerSecond: number;
  readonly rateBurst: number;
  readonly outboundProxy?: string;
  readonly dialogTtlSeconds: number;
  readonly allowedMethods: readonly string[];
  readonly accept: readonly string[];
  readonly supportedExtensions: readonly string[];
}

export const DEFAULT_METHODS = [
  "INVITE",
  "ACK",
  "BYE",
  "CANCEL",
  "OPTIONS",
  "MESSAGE",
  "SUBSCRIBE",
  "NOTIFY",
  "PUBLISH",
  "INFO",
  "UPDATE",
  "REFER",
  "PRACK",
];

/** Defaults for everything but the transports; tests and the env loader start from here. */
export function defaultConfig(overrides: Partial<SipEdgeConfig> = {}): SipEdgeConfig {
  return Object.freeze({
    transports: [{ protocol: "udp" as const, address: "127.0.0.1", port: 5060 }],
    publicHost: "127.0.0.1",
    timers: { t1: 500, t2: 4000, t4: 5000 },
    mapperTimeoutMs: 5000,
    inviteMapperTimeoutMs: 30_000,
    retryAfterSeconds: 5,
    maxPendingRequests: 1000,
    maxMessageBytes: 65_535,
    udpReceiveBufferBytes: 1024 * 1024,
    maxBodyBytes: 60_000,
    maxConnections: 1000,
    idleTimeoutMs: 300_000,
    connectTimeoutMs: 5000,
    trustedPeers: [],
    digestAlgorithms: ["SHA-256", "MD5"] as const,
    ratePerSecond: 0,
    rateBurst: 50,
    dialogTtlSeconds: 86_400,
    allowedMethods: DEFAULT_METHODS,
    accept: ["text/plain", "message/cpim", "application/pidf+xml", "application/sdp", "multipart/mixed"],
    supportedExtensions: [],
    ...overrides,
  });
}

function readUsers(env: Env, name: string): Map<string, string> | undefined {
  const file = readOptionalString(env, name);
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(name, `cannot read ${file}`, { cause: e });
  }
  const users = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === "" || t.startsWith("#")) continue;
    const colon = t.indexOf(":");
    if (colon <= 0) throw new ConfigError(name, "each line must be user:password");
    users.set(t.slice(0, colon), t.slice(colon + 1));
  }
  return users;
}

function readDigestAlgorithms(env: Env): ("SHA-256" | "MD5")[] {
  const name = "SIP_EDGE_DIGEST_ALGORITHMS"; // challenge order, preferred first
  const list = readList(env, name, ["SHA-256", "MD5"]).map((a) => a.toUpperCase());
  for (const a of list) if (a !== "SHA-256" && a !== "MD5") throw new ConfigError(name, `unknown algorithm "${a}"`);
  if (list.length === 0) throw new ConfigError(name, "needs at least one of SHA-256, MD5");
  return list as ("SHA-256" | "MD5")[];
}

/** Reads SIP_EDGE_* settings once; throws ConfigError naming the variable to fix. */
export function loadConfig(env: Env): SipEdgeConfig {
  const address = readString(env, "SIP_EDGE_LISTEN_ADDRESS", "0.0.0.0"); // bind address of every transport
  const enabled = readList(env, "SIP_EDGE_TRANSPORTS", ["udp", "tcp"]); // udp,tcp,tls,ws,wss
  const ports: Record<string, number> = {
    udp: readPort(env, "SIP_EDGE_UDP_PORT", 5060),
    tcp: readPort(env, "SIP_EDGE_TCP_PORT", 5060),
    tls: readPort(env, "SIP_EDGE_TLS_PORT", 5061),
    ws: readPort(env, "SIP_EDGE_WS_PORT", 8080),
    wss: readPort(env, "SIP_EDGE_WSS_PORT", 8443),
  };
  const transports: TransportConfig[] = [];
  for (const p of enabled) {
    const port = ports[p];
    if (port === undefined) throw new ConfigError("SIP_EDGE_TRANSPORTS", `unknown transport "${p}"`);
    // SIP_EDGE_<T>_ADDRESS binds one transport elsewhere than SIP_EDGE_LISTEN_ADDRESS.
    const own = readString(env, `SIP_EDGE_${p.toUpperCase()}_ADDRESS`, address);
    transports.push({ protocol: p as TransportProtocol, address: own, port });
  }
  const tlsCert = readSecretFile(env, "SIP_EDGE_TLS_CERT_FILE"); // PEM certificate for tls/wss
  const tlsKey = readSecretFile(env, "SIP_EDGE_TLS_KEY_FILE"); // PEM private key for tls/wss
  if (enabled.some((p) => p === "tls" || p === "wss") && (tlsCert === undefined || tlsKey === undefined)) {
    throw new ConfigError("SIP_EDGE_TLS_CERT_FILE", "tls/wss transports need SIP_EDGE_TLS_CERT_FILE and _KEY_FILE");
  }
  const tlsClientCa = readSecretFile(env, "SIP_EDGE_TLS_CLIENT_CA_FILE"); // PEM CA(s) for mutual TLS
  const digestUsers = readUsers(env, "SIP_EDGE_DIGEST_USERS_FILE"); // user:password lines
  const digestRealm = readOptionalString(env, "SIP_EDGE_DIGEST_REALM");
  const digestNonceSecret = readSecretFile(env, "SIP_EDGE_DIGEST_NONCE_SECRET_FILE"); // same on all instances
  if (digestUsers !== undefined && (digestRealm === undefined || digestNonceSecret === undefined)) {
    throw new ConfigError("SIP_EDGE_DIGEST_REALM", "digest needs SIP_EDGE_DIGEST_REALM and _NONCE_SECRET_FILE");
  }
  const outboundProxy = readOptionalString(env, "SIP_EDGE_OUTBOUND_PROXY"); // sip: URI of the next hop
  return defaultConfig({
    transports,
    publicHost: readString(env, "SIP_EDGE_PUBLIC_HOST", address === "0.0.0.0" ? "127.0.0.1" : address),
    ...(tlsCert === undefined ? {} : { tlsCert }),
    ...(tlsKey === undefined ? {} : { tlsKey }),
    ...(tlsClientCa === undefined ? {} : { tlsClientCa }),
    timers: {
      t1: readInt(env, "SIP_EDGE_T1_MS", 500, { min: 1 }), // RFC 3261 T1 (RTT estimate)
      t2: readInt(env, "SIP_EDGE_T2_MS", 4000, { min: 1 }),
      t4: readInt(env, "SIP_EDGE_T4_MS", 5000, { min: 0 }),
    },
    mapperTimeoutMs: readInt(env, "SIP_EDGE_MAPPER_TIMEOUT_MS", 5000, { min: 1 }), // then 504
    inviteMapperTimeoutMs: readInt(env, "SIP_EDGE_INVITE_MAPPER_TIMEOUT_MS", 30_000, { min: 1 }),
    retryAfterSeconds: readInt(env, "SIP_EDGE_RETRY_AFTER_SECONDS", 5, { min: 0 }),
    maxPendingRequests: readInt(env, "SIP_EDGE_MAX_PENDING_REQUESTS", 1000, { min: 1 }), // then 503 (overload)
    maxMessageBytes: readInt(env, "SIP_EDGE_MAX_MESSAGE_BYTES", 65_535, { min: 512 }), // larger: 513
    udpReceiveBufferBytes: readInt(env, "SIP_EDGE_UDP_RECEIVE_BUFFER_BYTES", 1024 * 1024, { min: 0 }), // 0: OS default
    maxBodyBytes: readInt(env, "SIP_EDGE_MAX_BODY_BYTES", 60_000, { min: 0 }), // larger: 413
    maxConnections: readInt(env, "SIP_EDGE_MAX_CONNECTIONS", 1000, { min: 1 }), // per stream transport
    idleTimeoutMs: readInt(env, "SIP_EDGE_IDLE_TIMEOUT_MS", 300_000, { min: 1000 }),
    connectTimeoutMs: readInt(env, "SIP_EDGE_CONNECT_TIMEOUT_MS", 5000, { min: 100 }),
    trustedPeers: readList(env, "SIP_EDGE_TRUSTED_PEERS", []), // CIDRs admitted without digest
    ...(digestRealm === undefined ? {} : { digestRealm }),
    ...(digestUsers === undefined ? {} : { digestUsers }),
    ...(digestNonceSecret === undefined ? {} : { digestNonceSecret }),
    digestAlgorithms: readDigestAlgorithms(env),
    ratePerSecond: readInt(env, "SIP_EDGE_RATE_PER_SECOND", 0, { min: 0 }), // per source IP; 0 = off
    rateBurst: readInt(env, "SIP_EDGE_RATE_BURST", 50, { min: 1 }),
    ...(outboundProxy === undefined ? {} : { outboundProxy }),
    dialogTtlSeconds: readInt(env, "SIP_EDGE_DIALOG_TTL_SECONDS", 86_400, { min: 0 }),
  });
}

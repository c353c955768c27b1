import { hostname } from "node:os";
import {
  ConfigError,
  type Env,
  readBool,
  readInt,
  readList,
  readOptionalString,
  readPort,
  readSecretFile,
  readString,
} from "@stox/service-kit";

/** Settings of one msrp-edge instance, read once from MSRP_EDGE_* variables. */
export interface MsrpEdgeConfig {
  /** Subject token naming this instance; sessions are reached at `stox.v1.msrp.out.<instanceId>.*`. */
  readonly instanceId: string;
  readonly bindHost: string;
  /** 0 = pick a free port (tests). */
  readonly tcpPort: number;
  /** TLS listener; off unless a certificate and key are given. */
  readonly tls?: { readonly port: number; readonly cert: string; readonly key: string };
  /** Host written into our MSRP URIs and `c=` (MSRP-URI-01: with explicit port). */
  readonly publicHost: string;
  /** CA bundle (PEM) for verifying peers we connect to over TLS; default: Node's trusted CAs. */
  readonly tlsCa?: string;
  /** Verify the certificate of TLS peers we connect to (MSRP-TLS-01). */
  readonly tlsVerifyPeer: boolean;
  readonly acceptTypes: readonly string[];
  readonly acceptWrappedTypes: readonly string[];
  /** Largest complete message we accept (`a=max-size`, 413 above). */
  readonly maxMessageBytes: number;
  /** Largest body of one SEND chunk read off a connection. */
  readonly maxChunkBytes: number;
  readonly maxHeaderBytes: number;
  /** Reassembly buffers of partial messages across all sessions (413 for further chunks above). */
  readonly maxBufferedBytes: number;
  readonly maxSessions: number;
  readonly maxConnections: number;
  readonly maxSessionsPerConnection: number;
  /** Body bytes per outgoing SEND chunk (RFC 4975 §7.1.1: 2048-octet chunks are always allowed). */
  readonly sendChunkBytes: number;
  /** RFC 4975 §7.1.1: 30 s for a response to a request we sent. */
  readonly transactionTimeoutMs: number;
  /** A session with no traffic this long is closed. */
  readonly idleTimeoutMs: number;
  /** How long a mapper may take to answer an inbound event; keep it under the peer's 30 s timer. */
  readonly mapperTimeoutMs: number;
  /** An accepted connection that binds no session this long is closed; also the connect timeout. */
  readonly bindTimeoutMs: number;
}

const NATS_TOKEN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

function defaultInstanceId(): string {
  const name = hostname()
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "-")
    .replace(/^[^a-z0-9]+/, "");
  return (name || "msrp-edge").slice(0, 64);
}

/** Reads the MSRP_EDGE_* variables; throws ConfigError naming the variable to fix. */
export function loadConfig(env: Env): MsrpEdgeConfig {
  const instanceId = readString(env, "MSRP_EDGE_INSTANCE_ID", defaultInstanceId());
  if (!NATS_TOKEN.test(instanceId)) {
    throw new ConfigError("MSRP_EDGE_INSTANCE_ID", "must be lower-case letters, digits, '-' or '_' (a NATS token)");
  }
  const certFile = readOptionalString(env, "MSRP_EDGE_TLS_CERT_FILE");
  const keyFile = readOptionalString(env, "MSRP_EDGE_TLS_KEY_FILE");
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError(
      "MSRP_EDGE_TLS_KEY_FILE",
      "set both MSRP_EDGE_TLS_CERT_FILE and MSRP_EDGE_TLS_KEY_FILE, or neither",
    );
  }
  const maxMessageBytes = readInt(env, "MSRP_EDGE_MAX_MESSAGE_BYTES", 1024 * 1024, { min: 1 });
  const maxChunkBytes = readInt(env, "MSRP_EDGE_MAX_CHUNK_BYTES", maxMessageBytes, { min: 2048 });
  const caFile = readOptionalString(env, "MSRP_EDGE_TLS_CA_FILE");
  return Object.freeze({
    instanceId,
    bindHost: readString(env, "MSRP_EDGE_BIND_HOST", "0.0.0.0"),
    tcpPort: readPort(env, "MSRP_EDGE_TCP_PORT", 2855), // IANA-registered MSRP port (RFC 4975 §15.5)
    ...(certFile !== undefined && keyFile !== undefined
      ? {
          tls: {
            port: readPort(env, "MSRP_EDGE_TLS_PORT", 2856),
            cert: readSecretFile(env, "MSRP_EDGE_TLS_CERT_FILE") ?? "",
            key: readSecretFile(env, "MSRP_EDGE_TLS_KEY_FILE") ?? "",
          },
        }
      : {}),
    ...(caFile !== undefined ? { tlsCa: readSecretFile(env, "MSRP_EDGE_TLS_CA_FILE") ?? "" } : {}),
    tlsVerifyPeer: readBool(env, "MSRP_EDGE_TLS_VERIFY_PEER", true),
    publicHost: readString(env, "MSRP_EDGE_PUBLIC_HOST", "127.0.0.1"),
    acceptTypes: readList(env, "MSRP_EDGE_ACCEPT_TYPES", ["message/cpim", "text/plain"]),
    acceptWrappedTypes: readList(env, "MSRP_EDGE_ACCEPT_WRAPPED_TYPES", [
      "text/plain",
      "application/im-iscomposing+xml",
      "message/imdn+xml",
    ]),
    maxMessageBytes,
    maxChunkBytes: Math.max(maxChunkBytes, maxMessageBytes),
    maxHeaderBytes: readInt(env, "MSRP_EDGE_MAX_HEADER_BYTES", 16384, { min: 1024 }),
    maxBufferedBytes: readInt(env, "MSRP_EDGE_MAX_BUFFERED_BYTES", 256 * 1024 * 1024, { min: 1 }),
    maxSessions: readInt(env, "MSRP_EDGE_MAX_SESSIONS", 20000, { min: 1 }),
    maxConnections: readInt(env, "MSRP_EDGE_MAX_CONNECTIONS", 10000, { min: 1 }),
    maxSessionsPerConnection: readInt(env, "MSRP_EDGE_MAX_SESSIONS_PER_CONNECTION", 1000, { min: 1 }),
    sendChunkBytes: readInt(env, "MSRP_EDGE_SEND_CHUNK_BYTES", 2048, { min: 1, max: 2048 }),
    transactionTimeoutMs: readInt(env, "MSRP_EDGE_TRANSACTION_TIMEOUT_MS", 30_000, { min: 1 }),
    idleTimeoutMs: readInt(env, "MSRP_EDGE_IDLE_TIMEOUT_MS", 30 * 60_000, { min: 1 }),
    mapperTimeoutMs: readInt(env, "MSRP_EDGE_MAPPER_TIMEOUT_MS", 20_000, { min: 1 }),
    bindTimeoutMs: readInt(env, "MSRP_EDGE_BIND_TIMEOUT_MS", 30_000, { min: 1 }),
  });
}

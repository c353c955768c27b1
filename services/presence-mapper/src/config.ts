import { randomUUID } from "node:crypto";
import { ConfigError, type Env, readBool, readInt, readList, readString } from "@stox/service-kit";
import type { MachineConfig } from "./state/types.js";

export interface PresenceMapperConfig {
  readonly machine: MachineConfig;
  /** This instance's name in timer leases. */
  readonly instanceId: string;
  readonly leaseMs: number;
  readonly sipRequestTimeoutMs: number;
  readonly xmppRequestTimeoutMs: number;
  readonly recordsBucket: string;
  readonly dialogsBucket: string;
  readonly dueBucket: string;
  /** Home XMPP domains whose users may use the X2S direction (PRES-SEC-02); empty: no restriction. */
  readonly xmppDomains: readonly string[];
  /** Home SIP domains whose users may use the S2X direction (CORE-ARCH-02); empty: no restriction. */
  readonly sipDomains: readonly string[];
}

export function loadConfig(env: Env): PresenceMapperConfig {
  const minExpiresSeconds = readInt(env, "PRESENCE_MAPPER_MIN_EXPIRES_SECONDS", 60, { min: 1 }); // 423 below this
  const maxExpiresSeconds = readInt(env, "PRESENCE_MAPPER_MAX_EXPIRES_SECONDS", 3600, { min: 1 }); // cap on granted Expires
  if (minExpiresSeconds > maxExpiresSeconds) {
    throw new ConfigError("PRESENCE_MAPPER_MIN_EXPIRES_SECONDS", "must not exceed PRESENCE_MAPPER_MAX_EXPIRES_SECONDS");
  }
  const machine: MachineConfig = Object.freeze({
    minExpiresSeconds,
    maxExpiresSeconds,
    defaultExpiresSeconds: Math.min(3600, maxExpiresSeconds), // RFC 3856 §6.4
    outboundExpiresSeconds: readInt(env, "PRESENCE_MAPPER_SUBSCRIBE_EXPIRES_SECONDS", 3600, { min: 60 }), // our SUBSCRIBEs
    refreshFraction: 0.8, // PRES-X2S-08
    notifyIntervalMs: readInt(env, "PRESENCE_MAPPER_NOTIFY_INTERVAL_MS", 5000, { min: 0 }), // RFC 3856 §6.10
    subscribeResendMs: 24 * 3600_000, // PRES-S2X-03
    probeIntervalMs: readInt(env, "PRESENCE_MAPPER_PROBE_INTERVAL_MS", 60_000, { min: 0 }), // PRES-SEC-08
    transactionTimeoutMs: 32_000, // RFC 3261 Timer F
    withRpid: readBool(env, "PRESENCE_MAPPER_RPID", false), // PRES-NTF-09
    pollWaitMs: readInt(env, "PRESENCE_MAPPER_POLL_WAIT_MS", 0, { min: 0, max: 1000 }), // PRES-POLL-06
  });
  return Object.freeze({
    machine,
    instanceId: readString(env, "PRESENCE_MAPPER_INSTANCE_ID", randomUUID()), // defaults to a fresh id per process
    leaseMs: readInt(env, "PRESENCE_MAPPER_LEASE_MS", 30_000, { min: 100 }), // a dead instance's timers move after this
    sipRequestTimeoutMs: readInt(env, "PRESENCE_MAPPER_SIP_TIMEOUT_MS", 40_000, { min: 100 }), // > Timer F
    xmppRequestTimeoutMs: readInt(env, "PRESENCE_MAPPER_XMPP_TIMEOUT_MS", 10_000, { min: 100 }),
    recordsBucket: readString(env, "PRESENCE_MAPPER_RECORDS_BUCKET", "presence-records"),
    dialogsBucket: readString(env, "PRESENCE_MAPPER_DIALOGS_BUCKET", "presence-dialogs"),
    dueBucket: readString(env, "PRESENCE_MAPPER_DUE_BUCKET", "presence-due"),
    xmppDomains: readList(env, "PRESENCE_MAPPER_XMPP_DOMAINS", []).map((d) => d.toLowerCase()), // PRES-SEC-02
    sipDomains: readList(env, "PRESENCE_MAPPER_SIP_DOMAINS", []).map((d) => d.toLowerCase()), // CORE-ARCH-02
  });
}

import { ConfigError, type Env, readBool, readEnum, readInt, readList, readOptionalString } from "@stox/service-kit";
import { createDomainPolicy, type DomainPolicy } from "@stox/stox-core";

/** The chat-mapper's settings, read once from the environment (README "Config" lists them). */
export interface ChatMapperConfig {
  /** Home domains and routing facts (CORE-ARCH-02, CORE-SEC-06/07, CORE-DOM-06). */
  readonly policy: DomainPolicy;
  /** How far the sip-edge's previous hop is trusted (CORE-SEC-06): P-Asserted-Identity only when "trusted". */
  readonly sipHopTrust: "trusted" | "authenticated" | "untrusted";
  /** IM-S2X-11: RFC 7572 §5 says 200; RFC 3428 §7 says a relay into a non-SIP domain SHOULD say 202. */
  readonly s2xSuccessStatus: 200 | 202;
  /** IM-SIZE-04: limit of the whole serialized MESSAGE (RFC 3428 §8). */
  readonly maxSipMessageBytes: number;
  /** IM-SIZE-05: largest stanza the XMPP link takes (RFC 6120 §13.12: a server may not go below 10,000). */
  readonly maxStanzaBytes: number;
  /** How long to wait for the SIP final response: longer than Timer F (64*T1 = 32 s). */
  readonly sipRequestTimeoutMs: number;
  /** How long to wait for the xmpp-edge to take a stanza. */
  readonly xmppSendTimeoutMs: number;
  /** IM-TYPE-03: translate headline messages, or answer service-unavailable. */
  readonly headline: "allow" | "deny";
  /** IM-X2S-15 / IM-CT-03 options: XEP-0085 chat states <-> RFC 3994 isComposing. */
  readonly chatStates: boolean;
  /** XEP-0184 / XEP-0333 <-> RFC 5438 IMDN (CPIM-wrapped MESSAGEs) when the sender asks for them. */
  readonly receipts: boolean;
  /** IM-S2X-15 option: tell the SIP sender in a MESSAGE when an XMPP error arrives after the 2xx. */
  readonly errorReports: boolean;
  /** From of those reports: a gateway service URI in a home XMPP domain. */
  readonly reportFromUri: string;
  /** IM-X2S-11: queued MESSAGEs per Request-URI before resource-constraint. */
  readonly queueLimitPerTarget: number;
  /** IM-STATE-03: how long an S2X stanza id is remembered for late errors and receipts. */
  readonly s2xStateTtlSeconds: number;
  /** Where NATS keeps those records: one is written per S2X message, and they only serve late errors. */
  readonly s2xStateStorage: "memory" | "file";
  /** IM-STATE-04: how long thread <-> Call-ID pairs and IMDN correlations live. */
  readonly threadTtlSeconds: number;
  /** IM-SEC-05: messages per second per sender (0 = no limit; the burst is twice the rate). */
  readonly ratePerSender: number;
}

/** Reads CHAT_MAPPER_* variables; throws ConfigError naming the variable. */
export function loadConfig(env: Env): ChatMapperConfig {
  const sipDomains = readList(env, "CHAT_MAPPER_SIP_DOMAINS", ["sip.localhost"]);
  const xmppDomains = readList(env, "CHAT_MAPPER_XMPP_DOMAINS", ["localhost"]);
  let policy: DomainPolicy;
  try {
    policy = createDomainPolicy({
      sipDomains,
      xmppDomains,
      translateAtDestination: readBool(env, "CHAT_MAPPER_TRANSLATE_AT_DESTINATION", false),
    });
  } catch (cause) {
    throw new ConfigError("CHAT_MAPPER_SIP_DOMAINS", `domains: ${(cause as Error).message}`);
  }
  const successStatus = readInt(env, "CHAT_MAPPER_S2X_SUCCESS_STATUS", 200, { min: 200, max: 202 });
  if (successStatus !== 200 && successStatus !== 202) {
    throw new ConfigError("CHAT_MAPPER_S2X_SUCCESS_STATUS", "use 200 (RFC 7572 §5) or 202 (RFC 3428 §7)");
  }
  const reportFrom = readOptionalString(env, "CHAT_MAPPER_REPORT_FROM_URI") ?? `sip:postmaster@${xmppDomains[0]}`;
  if (!/^sips?:[^@\s]+@[^\s]+$/i.test(reportFrom)) {
    throw new ConfigError("CHAT_MAPPER_REPORT_FROM_URI", "give a sip: URI such as sip:postmaster@xmpp.example");
  }
  return Object.freeze({
    policy,
    sipHopTrust: readEnum(env, "CHAT_MAPPER_SIP_HOP_TRUST", ["trusted", "authenticated", "untrusted"], "authenticated"),
    s2xSuccessStatus: successStatus,
    maxSipMessageBytes: readInt(env, "CHAT_MAPPER_MAX_SIP_MESSAGE_BYTES", 1300, { min: 500, max: 65_000 }),
    maxStanzaBytes: readInt(env, "CHAT_MAPPER_MAX_STANZA_BYTES", 10_000, { min: 10_000, max: 16_000_000 }),
    sipRequestTimeoutMs: readInt(env, "CHAT_MAPPER_SIP_REQUEST_TIMEOUT_MS", 40_000, { min: 100 }),
    xmppSendTimeoutMs: readInt(env, "CHAT_MAPPER_XMPP_SEND_TIMEOUT_MS", 3_000, { min: 100 }),
    headline: readEnum(env, "CHAT_MAPPER_HEADLINE", ["allow", "deny"], "allow"),
    chatStates: readBool(env, "CHAT_MAPPER_CHAT_STATES", true),
    receipts: readBool(env, "CHAT_MAPPER_RECEIPTS", true),
    errorReports: readBool(env, "CHAT_MAPPER_ERROR_REPORTS", true),
    reportFromUri: reportFrom,
    queueLimitPerTarget: readInt(env, "CHAT_MAPPER_QUEUE_LIMIT_PER_TARGET", 100, { min: 1 }),
    s2xStateTtlSeconds: readInt(env, "CHAT_MAPPER_S2X_STATE_TTL_SECONDS", 300, { min: 1 }),
    s2xStateStorage: readEnum(env, "CHAT_MAPPER_S2X_STATE_STORAGE", ["memory", "file"], "memory"),
    threadTtlSeconds: readInt(env, "CHAT_MAPPER_THREAD_TTL_SECONDS", 86_400, { min: 1 }),
    ratePerSender: readInt(env, "CHAT_MAPPER_RATE_PER_SENDER", 0, { min: 0 }),
  });
}

import { isIpLiteral, toJidDomain, toSipHost } from "./domain.js";
import { DomainPolicyConfigError } from "./errors.js";

/** Deployment facts about domains; pass it in, the library never reads the environment. */
export interface DomainPolicyConfig {
  /** Home SIP domains: the SIP service whose users the S2X translates for (CORE-ARCH-02, CORE-SEC-06). */
  readonly sipDomains: readonly string[];
  /** Home XMPP domains: the XMPP service whose users the X2S translates for (CORE-ARCH-02, CORE-SEC-07). */
  readonly xmppDomains: readonly string[];
  /** The gateway's own names on each side, e.g. `gw.sip.test` (SIP) and the component `sip.xmpp.test` (XMPP). */
  readonly gatewayDomains?: { readonly sip?: readonly string[]; readonly xmpp?: readonly string[] };
  /** CORE-ARCH-02: also translate for foreign originators whose target is in a home domain. Default false. */
  readonly translateAtDestination?: boolean;
  /** CORE-SEC-02: map `sips:` under a bilateral agreement. Default false. */
  readonly allowSips?: boolean;
  /** CORE-SEC-09: refuse localparts that mix scripts (e.g. Latin and Cyrillic). Default false. */
  readonly refuseMixedScript?: boolean;
  /** CORE-DOM-05: domains for IP-literal SIP hosts. */
  readonly ipLiteralDomains?: Readonly<Record<string, string>>;
  /** CORE-URI-03: domain for `tel:` numbers; without it tel: is refused. */
  readonly telDomain?: string;
  /** CORE-ARCH-04: static routes that override DNS discovery for foreign domains. */
  readonly staticRoutes?: Readonly<Record<string, "sip" | "xmpp">>;
}

/** What a domain is to the gateway. */
export type DomainRole = "sip-home" | "xmpp-home" | "sip-gateway" | "xmpp-gateway" | "foreign" | "invalid";

/** A validated, normalised {@link DomainPolicyConfig} with look-ups. Domains compare in A-label form (CORE-DOM-04). */
export interface DomainPolicy {
  readonly config: Readonly<DomainPolicyConfig>;
  /** The role of a domain (U-label or A-label, any case, trailing dot allowed). */
  roleOf(domain: string): DomainRole;
  /** Domains the gateway answers for on its XMPP side: the SIP home domains and its own XMPP names. */
  servedOnXmppSide(): readonly string[];
  /** Domains the gateway answers for on its SIP side: the XMPP home domains and its own SIP names. */
  servedOnSipSide(): readonly string[];
  /** Static route for a foreign domain, if configured. */
  staticRoute(domain: string): "sip" | "xmpp" | undefined;
}

function normalise(list: readonly string[] | undefined, what: string): string[] {
  return (list ?? []).map((d) => {
    if (isIpLiteral(d)) throw new DomainPolicyConfigError(`${what}: "${d}" is an IP address; list domain names`);
    try {
      return toSipHost(d);
    } catch (cause) {
      throw new DomainPolicyConfigError(`${what}: "${d}" is not a valid domain name`, { cause });
    }
  });
}

function keyOf(domain: string): string | undefined {
  try {
    return toSipHost(domain);
  } catch {
    return undefined;
  }
}

/** Validates the config (throws {@link DomainPolicyConfigError} with what to fix) and returns the policy. */
export function createDomainPolicy(config: DomainPolicyConfig): DomainPolicy {
  const roles = new Map<string, DomainRole>();
  const add = (list: readonly string[] | undefined, role: DomainRole, what: string) => {
    for (const d of normalise(list, what)) {
      const existing = roles.get(d);
      if (existing !== undefined && existing !== role) {
        throw new DomainPolicyConfigError(
          `${what}: "${d}" is already configured as ${existing}; a domain has one role`,
        );
      }
      roles.set(d, role);
    }
  };
  add(config.sipDomains, "sip-home", "sipDomains");
  add(config.xmppDomains, "xmpp-home", "xmppDomains");
  add(config.gatewayDomains?.sip, "sip-gateway", "gatewayDomains.sip");
  add(config.gatewayDomains?.xmpp, "xmpp-gateway", "gatewayDomains.xmpp");
  if (config.sipDomains.length === 0)
    throw new DomainPolicyConfigError("sipDomains: list at least one home SIP domain");
  if (config.xmppDomains.length === 0)
    throw new DomainPolicyConfigError("xmppDomains: list at least one home XMPP domain");
  const routes = new Map<string, "sip" | "xmpp">();
  for (const [domain, protocol] of Object.entries(config.staticRoutes ?? {})) {
    const [key] = normalise([domain], "staticRoutes");
    if (roles.has(key as string))
      throw new DomainPolicyConfigError(`staticRoutes: "${domain}" is a home or gateway domain`);
    routes.set(key as string, protocol);
  }
  for (const [ip, domain] of Object.entries(config.ipLiteralDomains ?? {})) {
    if (!isIpLiteral(ip)) throw new DomainPolicyConfigError(`ipLiteralDomains: "${ip}" is not an IP literal`);
    normalise([domain], "ipLiteralDomains");
  }
  if (config.telDomain !== undefined) normalise([config.telDomain], "telDomain");
  const listOf = (...wanted: DomainRole[]) =>
    Object.freeze([...roles].filter(([, r]) => wanted.includes(r)).map(([d]) => toJidDomain(d)));
  const xmppSide = listOf("sip-home", "xmpp-gateway");
  const sipSide = listOf("xmpp-home", "sip-gateway");
  return Object.freeze({
    config: Object.freeze({ ...config }),
    roleOf(domain: string): DomainRole {
      const key = keyOf(domain);
      if (key === undefined) return "invalid";
      return roles.get(key) ?? "foreign";
    },
    servedOnXmppSide: () => xmppSide,
    servedOnSipSide: () => sipSide,
    staticRoute(domain: string) {
      const key = keyOf(domain);
      return key === undefined ? undefined : routes.get(key);
    },
  });
}

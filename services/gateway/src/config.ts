import { ConfigError, type Env, readList } from "@stox/service-kit";

export interface GatewayConfig {
  /** Names of the services this process runs. */
  readonly services: readonly string[];
}

/** STOX_SERVICES: "all" (default: every service, the embedded mode) or a comma-separated list of names. */
export function loadGatewayConfig(env: Env, known: readonly string[]): GatewayConfig {
  const wanted = readList(env, "STOX_SERVICES", ["all"]);
  if (wanted.length === 1 && wanted[0] === "all") return Object.freeze({ services: known });
  for (const name of wanted) {
    if (!known.includes(name)) {
      throw new ConfigError(
        "STOX_SERVICES",
        `unknown service ${JSON.stringify(name)}; known: all, ${known.join(", ")}`,
      );
    }
  }
  // Keep registry order whatever order they were named in.
  return Object.freeze({ services: known.filter((n) => wanted.includes(n)) });
}

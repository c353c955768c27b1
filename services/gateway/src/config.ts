import { ConfigError, type Env, readList } from "@stox/service-kit";

export interface GatewayConfig {
  /** "auto": every service whose own config is complete (the embedded default); "strict": exactly these. */
  readonly selection: "auto" | "strict";
  /** Names of the services this process runs (for "auto", the candidates). */
  readonly services: readonly string[];
}

/**
 * STOX_SERVICES: "auto" (default: every service that is configured enough to start; the others are skipped
 * with a warning naming what to set), "all" (every service; any config error stops start-up), or a
 * comma-separated list of names (the Kubernetes layout: one per pod).
 */
export function loadGatewayConfig(env: Env, known: readonly string[]): GatewayConfig {
  const wanted = readList(env, "STOX_SERVICES", ["auto"]);
  if (wanted.length === 1 && wanted[0] === "auto") return Object.freeze({ selection: "auto", services: known });
  if (wanted.length === 1 && wanted[0] === "all") return Object.freeze({ selection: "strict", services: known });
  for (const name of wanted) {
    if (!known.includes(name)) {
      throw new ConfigError(
        "STOX_SERVICES",
        `unknown service ${JSON.stringify(name)}; known: auto, all, ${known.join(", ")}`,
      );
    }
  }
  // Keep registry order whatever order they were named in.
  return Object.freeze({ selection: "strict", services: known.filter((n) => wanted.includes(n)) });
}

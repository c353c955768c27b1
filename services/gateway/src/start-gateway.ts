import { ConfigError, type Env, type Host, loadEnv, type ServiceDefinition, startHost } from "@stox/service-kit";
import { loadGatewayConfig } from "./config.js";
import { registry } from "./registry.js";

export interface SkippedService {
  readonly name: string;
  /** The ConfigError message: names the variable to set. */
  readonly reason: string;
}

export interface Gateway {
  readonly host: Host;
  readonly skipped: readonly SkippedService[];
}

/** Starts the selected services in this process (see STOX_SERVICES in loadGatewayConfig). */
export async function startGateway(env: Env, services: readonly ServiceDefinition[] = registry): Promise<Gateway> {
  const config = loadGatewayConfig(
    env,
    services.map((s) => s.name),
  );
  let selected = services.filter((s) => config.services.includes(s.name));
  const skipped: SkippedService[] = [];
  if (config.selection === "auto") {
    const merged = loadEnv(env);
    selected = selected.filter((s) => {
      try {
        s.loadConfig(merged);
        return true;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        skipped.push({ name: s.name, reason: err.message });
        return false;
      }
    });
  }
  const name = config.selection === "strict" && selected.length === 1 ? (selected[0]?.name ?? "gateway") : "gateway";
  const host = await startHost({ name, env, services: selected });
  for (const s of skipped) {
    host.logger.warn({ component: s.name, reason: s.reason }, "service not started: its configuration is incomplete");
  }
  return { host, skipped };
}

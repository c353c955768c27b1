import { type Env, type Host, startHost } from "@stox/service-kit";
import { loadGatewayConfig } from "./config.js";
import { registry } from "./registry.js";

/** Starts the selected services (all by default) in this process. */
export async function startGateway(env: Env): Promise<Host> {
  const { services } = loadGatewayConfig(
    env,
    registry.map((s) => s.name),
  );
  const name = services.length === 1 && services.length !== registry.length ? (services[0] as string) : "gateway";
  return startHost({ name, env, services: registry.filter((s) => services.includes(s.name)) });
}

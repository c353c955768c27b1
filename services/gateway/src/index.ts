export { type GatewayConfig, loadGatewayConfig } from "./config.js";
export { registry } from "./registry.js";
export { type Gateway, type SkippedService, startGateway } from "./start-gateway.js";

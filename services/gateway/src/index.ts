export { type GatewayConfig, loadGatewayConfig } from "./config.js";
export { registry } from "./registry.js";
export { startGateway } from "./start-gateway.js";

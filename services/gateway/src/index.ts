export { loadGatewayConfig, type GatewayConfig } from "./config.js";
export { registry } from "./registry.js";
export { startGateway } from "./start-gateway.js";

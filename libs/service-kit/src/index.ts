export {
  ConfigError,
  type Env,
  loadEnv,
  readBool,
  readEnum,
  readInt,
  readList,
  readOptionalString,
  readPort,
  readRequiredString,
  readSecretFile,
  readString,
  redact,
} from "./config.js";
export {
  type HealthServer,
  type HealthServerOptions,
  type ReadinessReport,
  startHealthServer,
} from "./health-server.js";
export { type Host, type HostOptions, startHost } from "./host.js";
export { type HostConfig, loadHostConfig } from "./host-config.js";
export { failureReply, GatewayFailure, type ServeRequestsOptions, serveRequests } from "./serve-requests.js";
export { defineService, type RunningService, type ServiceContext, type ServiceDefinition } from "./service.js";
export { exitOnSignals } from "./shutdown.js";

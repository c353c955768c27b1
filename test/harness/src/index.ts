export {
  makeTestCa,
  makeTestCertificates,
  type TestCa,
  type TestCertificateOptions,
  type TestCertificates,
} from "./certificates.js";
export {
  type CleanupReport,
  type CleanupTask,
  cleanup,
  hasFailed,
  markFailed,
  pendingCleanups,
  registerCleanup,
} from "./cleanup.js";
export {
  type Catalogue,
  computeCoverage,
  findRequirementIds,
  type LevelBucket,
  levelBucket,
  listTestFiles,
  type ParsedSpec,
  parseSpecRequirements,
  type Requirement,
  renderMarkdownReport,
  renderTextReport,
  type SpecCoverage,
  scanTestFiles,
} from "./conformance/index.js";
export { HarnessProcessError, HarnessTimeoutError } from "./errors.js";
export { type NatsHandle, type StartNatsOptions, startNats } from "./nats.js";
export { canConnect, freePort, isPortFree } from "./ports.js";
export { type ExitStatus, isProcessAlive, type ManagedProcess, type SpawnOptions, spawnManaged } from "./processes.js";
export { type ProsodyHandle, type StartProsodyOptions, startProsody } from "./prosody.js";
export {
  luaString,
  type ProsodyComponent,
  type ProsodyConfigInput,
  type ProsodyS2sOptions,
  type ProsodyTlsOptions,
  type ProsodyUser,
  renderProsodyConfig,
} from "./prosody-config.js";
export {
  type InProcessServices,
  isReady,
  REPO_ROOT,
  type ServiceProcess,
  type StartServiceProcessOptions,
  type StartServicesOptions,
  startServiceProcess,
  startServicesInProcess,
} from "./services.js";
export {
  type SipPeer,
  type SipTestUa,
  type SipTestUaOptions,
  type SipUaAnswer,
  type SipUaHandler,
  type SipUaRequestOptions,
  startSipTestUa,
} from "./sip-ua.js";
export { runSipp, SIPP_SCENARIO_DIR, type SippOptions, type SippResult, type SippRun, startSipp } from "./sipp.js";
export { makeTempDir } from "./temp-dir.js";
export { waitUntil } from "./wait.js";
export { type Element, type XmppClientOptions, type XmppTestClient, xml, xmppClient } from "./xmpp-client.js";

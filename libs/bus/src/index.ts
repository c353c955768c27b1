export {
  BusClosedError,
  BusConnectionError,
  BusError,
  InvalidKvKeyError,
  InvalidSubjectError,
  KvConflictError,
  KvWriteError,
  NoRespondersError,
  PayloadTooLargeError,
  RequestTimeoutError,
} from "./errors.js";
export { createMemoryBus, type MemoryBusOptions } from "./memory-bus.js";
export { connectNatsBus, type NatsBusOptions } from "./nats-bus.js";
export { subjectMatches } from "./subject.js";
export { formatTraceparent, parseTraceparent, type TracedBusOptions, tracedBus } from "./traced-bus.js";
export type {
  Bus,
  BusErrorListener,
  BusMessage,
  Headers,
  KvEntry,
  KvOptions,
  KvStore,
  KvWatcher,
  KvWatchOptions,
  MessageHandler,
  PublishOptions,
  RequestOptions,
  SubscribeOptions,
  Subscription,
} from "./types.js";

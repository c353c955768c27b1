/** Message headers. Names are lower-case on both implementations (NATS headers are case-sensitive). */
export type Headers = Readonly<Record<string, string>>;

export interface BusMessage {
  readonly subject: string;
  /** The payload. A copy: mutating it affects no other receiver. */
  readonly data: Uint8Array;
  readonly headers: Headers;
  /** Where a reply goes, when the sender asked for one (request/reply). */
  readonly reply?: string;
}

/**
 * Handles one message. Handlers run in arrival order per subscription but are not awaited before the next
 * message is delivered (as nats.js callbacks); `drain()` waits for the ones still running.
 */
export type MessageHandler = (msg: BusMessage) => void | Promise<void>;

export interface SubscribeOptions {
  /** Queue group: each message goes to one member of the group. Use the service name. */
  readonly queue?: string;
}

export interface PublishOptions {
  readonly headers?: Headers;
  readonly reply?: string;
}

export interface RequestOptions {
  readonly timeoutMs: number;
  readonly headers?: Headers;
}

export interface Subscription {
  readonly subject: string;
  readonly queue?: string;
  unsubscribe(): void;
}

export interface KvOptions {
  /** Entries older than this expire (bucket-wide; NATS 2.9 has no per-key TTL). 0 = never. */
  readonly ttlSeconds?: number;
  /** Values kept per key (1..64). */
  readonly history?: number;
  /**
   * Where NATS keeps the bucket: "file" (the default) survives a nats-server restart; "memory" is cheaper per
   * write and suits short-lived correlation state (a restarted server, or a cluster that loses every
   * replica, forgets it). The in-memory bus ignores it. Applies when the bucket is created; an existing
   * bucket keeps its storage.
   */
  readonly storage?: "file" | "memory";
}

export interface KvEntry {
  readonly bucket: string;
  readonly key: string;
  readonly value: Uint8Array;
  /** Bucket-wide, strictly increasing (the JetStream stream sequence). */
  readonly revision: number;
  readonly operation: "PUT" | "DEL";
}

export interface KvWatchOptions {
  /** A key or a pattern with `*` / `>` tokens. Default: every key. */
  readonly key?: string;
  /** Deliver the current value of each matching key before the updates. Default false: updates only. */
  readonly initial?: boolean;
}

export interface KvWatcher {
  stop(): void;
}

export interface KvStore {
  readonly bucket: string;
  /** The live value, or null when the key is absent, deleted or expired. */
  get(key: string): Promise<KvEntry | null>;
  /** Writes unconditionally; returns the new revision. */
  put(key: string, value: Uint8Array): Promise<number>;
  /** Writes only when the key has no live value; otherwise KvConflictError. */
  create(key: string, value: Uint8Array): Promise<number>;
  /** Writes only when the live revision is `revision` (compare-and-set); otherwise KvConflictError. */
  update(key: string, value: Uint8Array, revision: number): Promise<number>;
  /** Deletes; with `revision`, only when that is still the live revision. */
  delete(key: string, options?: { readonly revision?: number }): Promise<void>;
  /** Keys with a live value. */
  keys(): Promise<string[]>;
  watch(options: KvWatchOptions, onEntry: (entry: KvEntry) => void): Promise<KvWatcher>;
  /** Removes the whole bucket (tests and tooling). */
  destroy(): Promise<void>;
}

/** What services need from a message bus. Implemented on NATS and in memory, with the same semantics. */
export interface Bus {
  /** "nats" or "memory". */
  readonly kind: "nats" | "memory";
  publish(subject: string, data: Uint8Array, options?: PublishOptions): void;
  subscribe(subject: string, handler: MessageHandler, options?: SubscribeOptions): Subscription;
  /** Resolves with the first reply. NoRespondersError when nobody listens; RequestTimeoutError after timeoutMs. */
  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage>;
  /** Replies to a request message. Throws when the message has no reply subject. */
  respond(to: BusMessage, data: Uint8Array, options?: { readonly headers?: Headers }): void;
  kv(bucket: string, options?: KvOptions): Promise<KvStore>;
  /** Largest payload accepted by publish (NATS max_payload). */
  readonly maxPayloadBytes: number;
  isConnected(): boolean;
  /** Stops delivery, waits for running handlers, flushes, closes. Idempotent. */
  drain(): Promise<void>;
}

/** Receives errors that have no caller to go to: a handler that threw, a lost connection. */
export type BusErrorListener = (error: Error, context: { readonly subject?: string }) => void;

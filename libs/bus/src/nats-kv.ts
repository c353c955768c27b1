import {
  type KV,
  KvWatchInclude,
  type NatsConnection,
  NatsError,
  type KvEntry as NatsKvEntry,
  StorageType,
} from "nats";
import { KvConflictError } from "./errors.js";
import { checkBucketName, checkKvKey } from "./subject.js";
import type { BusErrorListener, KvEntry, KvOptions, KvStore, KvWatcher, KvWatchOptions } from "./types.js";

// JetStream API error codes (nats-server/server/errors.json).
const WRONG_LAST_SEQUENCE = 10071;

export async function openNatsKv(
  nc: NatsConnection,
  bucket: string,
  options: KvOptions,
  onError: BusErrorListener,
): Promise<KvStore> {
  checkBucketName(bucket);
  const kv = await nc.jetstream().views.kv(bucket, {
    history: options.history ?? 1,
    ...(options.ttlSeconds ? { ttl: options.ttlSeconds * 1000 } : {}),
    ...(options.storage === "memory" ? { storage: StorageType.Memory } : {}),
  });
  return new NatsKvStore(bucket, kv, onError);
}

class NatsKvStore implements KvStore {
  readonly bucket: string;
  readonly #kv: KV;
  readonly #onError: BusErrorListener;

  constructor(bucket: string, kv: KV, onError: BusErrorListener) {
    this.bucket = bucket;
    this.#kv = kv;
    this.#onError = onError;
  }

  async get(key: string): Promise<KvEntry | null> {
    checkKvKey(key);
    const e = await this.#kv.get(key);
    return e && e.operation === "PUT" ? toEntry(this.bucket, e) : null;
  }

  async put(key: string, value: Uint8Array): Promise<number> {
    checkKvKey(key);
    return this.#kv.put(key, value);
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    checkKvKey(key);
    return this.#conflicts(key, () => this.#kv.create(key, value));
  }

  async update(key: string, value: Uint8Array, revision: number): Promise<number> {
    checkKvKey(key);
    if (revision <= 0) throw new KvConflictError(this.bucket, key);
    return this.#conflicts(key, () => this.#kv.update(key, value, revision));
  }

  async delete(key: string, options: { readonly revision?: number } = {}): Promise<void> {
    checkKvKey(key);
    await this.#conflicts(key, () =>
      this.#kv.delete(key, options.revision === undefined ? undefined : { previousSeq: options.revision }),
    );
  }

  async keys(): Promise<string[]> {
    const out: string[] = [];
    for await (const k of await this.#kv.keys()) out.push(k);
    return out;
  }

  async watch(options: KvWatchOptions, onEntry: (entry: KvEntry) => void): Promise<KvWatcher> {
    const key = options.key ?? ">";
    checkKvKey(key, true);
    let isInitialized = !options.initial;
    const iter = await this.#kv.watch({
      key,
      include: options.initial ? KvWatchInclude.LastValue : KvWatchInclude.UpdatesOnly,
      initializedFn: () => {
        isInitialized = true;
      },
    });
    void (async () => {
      try {
        for await (const e of iter) {
          // The initial snapshot skips tombstones, as the in-memory store does.
          if (!isInitialized && e.operation !== "PUT") continue;
          onEntry(toEntry(this.bucket, e));
        }
      } catch (err) {
        this.#onError(err instanceof Error ? err : new Error(String(err)), { subject: `kv.${this.bucket}` });
      }
    })();
    return { stop: () => iter.stop() };
  }

  async destroy(): Promise<void> {
    await this.#kv.destroy();
  }

  async #conflicts<T>(key: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (isWrongLastSequence(err)) throw new KvConflictError(this.bucket, key, { cause: err });
      throw err;
    }
  }
}

function isWrongLastSequence(err: unknown): boolean {
  return err instanceof NatsError && err.api_error?.err_code === WRONG_LAST_SEQUENCE;
}

function toEntry(bucket: string, e: NatsKvEntry): KvEntry {
  return {
    bucket,
    key: e.key,
    value: e.value,
    revision: e.revision,
    operation: e.operation === "PUT" ? "PUT" : "DEL",
  };
}

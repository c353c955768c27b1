import {
  type KV,
  KvWatchInclude,
  type MsgHdrs,
  type NatsConnection,
  NatsError,
  type KvEntry as NatsKvEntry,
  headers as natsHeaders,
  StorageType,
} from "nats";
import { KvConflictError, KvWriteError } from "./errors.js";
import type { ReplyInbox } from "./reply-inbox.js";
import { checkBucketName, checkKvKey } from "./subject.js";
import type { BusErrorListener, KvEntry, KvOptions, KvStore, KvWatcher, KvWatchOptions } from "./types.js";

// JetStream API error codes (nats-server/server/errors.json).
const WRONG_LAST_SEQUENCE = 10071;
/** nats.js' default JetStream request timeout, kept for writes on the fast path. */
const WRITE_TIMEOUT_MS = 5_000;
/** JetStream's optimistic-concurrency header: the write succeeds only if the key's last revision is this one. */
const EXPECTED_LAST_SUBJECT_SEQUENCE = "Nats-Expected-Last-Subject-Sequence";

/** What JetStream answers a publish into a stream with: an ack, or an API error. */
interface PubAckReply {
  readonly stream?: string;
  readonly seq?: number;
  readonly error?: { readonly code?: number; readonly err_code?: number; readonly description?: string };
}

/** `replies`: the bus's reply inbox, which also takes JetStream's acks for KV writes. */
export async function openNatsKv(
  nc: NatsConnection,
  bucket: string,
  options: KvOptions,
  onError: BusErrorListener,
  replies: ReplyInbox,
): Promise<KvStore> {
  checkBucketName(bucket);
  const kv = await nc.jetstream().views.kv(bucket, {
    history: options.history ?? 1,
    ...(options.ttlSeconds ? { ttl: options.ttlSeconds * 1000 } : {}),
    ...(options.storage === "memory" ? { storage: StorageType.Memory } : {}),
  });
  return new NatsKvStore(bucket, kv, nc, replies, onError);
}

// Built once: publish only reads it. Every `create` carries the same header.
const CREATE_HEADERS = expectRevision(0);

function expectRevision(revision: number): MsgHdrs {
  const h = natsHeaders();
  h.set(EXPECTED_LAST_SUBJECT_SEQUENCE, String(revision));
  return h;
}

/**
 * Reads, deletes and watches go through nats.js' KV view. Writes (put, create, update) publish straight to the
 * key's subject `$KV.<bucket>.<key>` and take JetStream's ack through the bus's own reply inbox: nats.js'
 * `kv.put` goes through `nc.request`, which builds an Error (a stack capture) for every request it completes,
 * plus a header object per write. The chat-mapper writes one record per SIP MESSAGE, so this is on its hot
 * path. The subject is right for the buckets this module makes (no JetStream domain, no mirror).
 */
class NatsKvStore implements KvStore {
  readonly bucket: string;
  readonly #kv: KV;
  readonly #nc: NatsConnection;
  readonly #replies: ReplyInbox;
  readonly #onError: BusErrorListener;
  readonly #subjectPrefix: string;

  constructor(bucket: string, kv: KV, nc: NatsConnection, replies: ReplyInbox, onError: BusErrorListener) {
    this.bucket = bucket;
    this.#kv = kv;
    this.#nc = nc;
    this.#replies = replies;
    this.#onError = onError;
    this.#subjectPrefix = `$KV.${bucket}.`;
  }

  /** One JetStream publish; resolves with the new revision, or rejects with the API error it got. */
  async #write(key: string, value: Uint8Array, headers: MsgHdrs | undefined): Promise<number> {
    const subject = this.#subjectPrefix + key;
    const reply = await this.#replies.request(subject, WRITE_TIMEOUT_MS, (inbox) =>
      this.#nc.publish(subject, value, headers === undefined ? { reply: inbox } : { reply: inbox, headers }),
    );
    let ack: PubAckReply;
    try {
      ack = JSON.parse(Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength).toString("utf8"));
    } catch {
      throw new KvWriteError(this.bucket, key, "JetStream answered the write with something that is not JSON");
    }
    if (ack.error !== undefined) {
      if (ack.error.err_code === WRONG_LAST_SEQUENCE) throw new KvConflictError(this.bucket, key);
      throw new KvWriteError(this.bucket, key, ack.error.description ?? `JetStream error ${ack.error.code}`);
    }
    if (typeof ack.seq !== "number" || !ack.stream) {
      throw new KvWriteError(this.bucket, key, "JetStream acknowledged the write without a sequence");
    }
    return ack.seq;
  }

  async get(key: string): Promise<KvEntry | null> {
    checkKvKey(key);
    const e = await this.#kv.get(key);
    return e && e.operation === "PUT" ? toEntry(this.bucket, e) : null;
  }

  async put(key: string, value: Uint8Array): Promise<number> {
    checkKvKey(key);
    return this.#write(key, value, undefined);
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    checkKvKey(key);
    try {
      return await this.#write(key, value, CREATE_HEADERS);
    } catch (err) {
      if (!(err instanceof KvConflictError)) throw err;
    }
    // The key has a revision. nats.js' create treats a deleted or purged key as free (it updates over the
    // tombstone) and anything else as a conflict: the rare path, left to it.
    return this.#conflicts(key, () => this.#kv.create(key, value));
  }

  async update(key: string, value: Uint8Array, revision: number): Promise<number> {
    checkKvKey(key);
    if (revision <= 0) throw new KvConflictError(this.bucket, key);
    return this.#write(key, value, expectRevision(revision));
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

import { type Bus, KvConflictError, type KvStore } from "@stox/bus";
import { toKvKey } from "@stox/events";
import type { Disposition } from "./imdn.js";

/** IM-STATE-03: an S2X stanza the gateway is sending, for late errors, receipts and redelivery. */
export interface S2XRecord {
  readonly sipSenderUri: string;
  readonly sipTargetUri: string;
  readonly senderJid: string;
  readonly targetJid: string;
  readonly imdn?: { readonly messageId: string; readonly dateTime: string; readonly dispositions: Disposition[] };
}

/** RFC 5438 correlation of an X2S message: the IMDN Message-ID it carried -> the XMPP message it came from. */
export interface X2SImdnRecord {
  readonly senderJid: string;
  readonly targetJid: string;
  readonly stanzaId: string;
  readonly dispositions: Disposition[];
}

/** IM-STATE-04: a Call-ID the X2S uses for a thread, with the last CSeq it sent. */
export interface ThreadRecord {
  readonly thread: string;
  readonly cseq: number;
}

/** The shared state of every chat-mapper instance (CORE-ARCH-07), in JetStream KV. */
export interface ChatStore {
  /**
   * Writes the S2X record before the stanza goes out (one KV write per message); false when the same stanza
   * id was recorded before, i.e. this is a second delivery of one SIP transaction.
   */
  recordS2X(stanzaId: string, record: S2XRecord): Promise<boolean>;
  getS2X(stanzaId: string): Promise<S2XRecord | undefined>;
  putX2SImdn(imdnMessageId: string, record: X2SImdnRecord): Promise<void>;
  getX2SImdn(imdnMessageId: string): Promise<X2SImdnRecord | undefined>;
  /** The thread a derived Call-ID stands for (IM-S2X-05). */
  threadOf(callId: string): Promise<string | undefined>;
  /** IM-X2S-06: the next CSeq for a Call-ID (1 for a new one), remembering the thread; CAS across instances. */
  nextCseq(callId: string, thread: string): Promise<number>;
}

export interface ChatStoreOptions {
  readonly s2xTtlSeconds: number;
  readonly s2xStorage?: "memory" | "file";
  readonly threadTtlSeconds: number;
}

const decoder = new TextDecoder();
// Buffer.from takes small strings from Node's pooled slab; TextEncoder allocates an ArrayBuffer per record.
const encode = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), "utf8");
const decode = <T>(data: Uint8Array): T => JSON.parse(decoder.decode(data)) as T;

async function getJson<T>(kv: KvStore, key: string): Promise<T | undefined> {
  const entry = await kv.get(key);
  return entry === null ? undefined : decode<T>(entry.value);
}

/** Opens the buckets `chat-s2x` (stanza ids), `chat-imdn` (IMDN ids) and `chat-threads` (Call-IDs). */
export async function openChatStore(bus: Bus, options: ChatStoreOptions): Promise<ChatStore> {
  const [s2x, imdn, threads] = await Promise.all([
    // One write per S2X message: memory storage spares nats-server a file write for records that only match
    // late errors for a few minutes (IM-STATE-03); threads and IMDN ids live for a day and stay on file.
    bus.kv("chat-s2x", { ttlSeconds: options.s2xTtlSeconds, storage: options.s2xStorage ?? "memory" }),
    bus.kv("chat-imdn", { ttlSeconds: options.threadTtlSeconds }),
    bus.kv("chat-threads", { ttlSeconds: options.threadTtlSeconds }),
  ]);
  return {
    async recordS2X(stanzaId, record) {
      // A message that asked for IMDN is also kept as long as thread state: display notifications (XEP-0333
      // <displayed/>) may come hours after the short-lived stanza record is gone.
      if (record.imdn !== undefined) await imdn.put(toKvKey("s2x", stanzaId), encode(record));
      try {
        await s2x.create(toKvKey(stanzaId), encode(record));
        return true;
      } catch (err) {
        if (!(err instanceof KvConflictError)) throw err;
        return false;
      }
    },
    async getS2X(stanzaId) {
      return (
        (await getJson<S2XRecord>(s2x, toKvKey(stanzaId))) ?? (await getJson<S2XRecord>(imdn, toKvKey("s2x", stanzaId)))
      );
    },
    async putX2SImdn(imdnMessageId, record) {
      await imdn.put(toKvKey(imdnMessageId), encode(record));
    },
    getX2SImdn: (imdnMessageId) => getJson<X2SImdnRecord>(imdn, toKvKey(imdnMessageId)),
    async threadOf(callId) {
      return (await getJson<ThreadRecord>(threads, toKvKey(callId)))?.thread;
    },
    async nextCseq(callId, thread) {
      const key = toKvKey(callId);
      for (let attempt = 0; attempt < 16; attempt++) {
        const entry = await threads.get(key);
        try {
          if (entry === null) {
            await threads.create(key, encode({ thread, cseq: 1 }));
            return 1;
          }
          const cseq = decode<ThreadRecord>(entry.value).cseq + 1;
          await threads.update(key, encode({ thread, cseq }), entry.revision);
          return cseq;
        } catch (err) {
          if (!(err instanceof KvConflictError)) throw err; // another instance took this CSeq: read again
        }
      }
      throw new KvConflictError("chat-threads", key);
    },
  };
}

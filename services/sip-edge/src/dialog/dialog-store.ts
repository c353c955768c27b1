import { KvConflictError, type KvStore } from "@stox/bus";
import { type DialogRecord, type PendingSubscription, pendingSubscriptionKey } from "./dialog-record.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface StoredDialog {
  readonly record: DialogRecord;
  readonly revision: number;
}

/**
 * Dialogs in the bus KV (`sip-dialogs`), so every edge instance and every mapper sees the same state
 * and a dialog outlives the instance that made it. Updates are compare-and-set on the revision.
 */
export class DialogStore {
  constructor(readonly kv: KvStore) {}

  async get(id: string): Promise<StoredDialog | undefined> {
    const entry = await this.kv.get(id);
    if (entry === null) return undefined;
    return { record: JSON.parse(decoder.decode(entry.value)) as DialogRecord, revision: entry.revision };
  }

  /** Stores a new dialog; a dialog already there (a retransmitted 2xx) is kept as it is. */
  async create(record: DialogRecord): Promise<void> {
    try {
      await this.kv.create(record.id, encoder.encode(JSON.stringify(record)));
    } catch (e) {
      if (!(e instanceof KvConflictError)) throw e;
    }
  }

  /**
   * Applies `change` with compare-and-set, retrying on a lost race. `change` may return undefined to
   * leave the record alone. Resolves with the record written (or read), or undefined if there is none.
   */
  async update(
    id: string,
    change: (record: DialogRecord) => DialogRecord | undefined,
    attempts = 8,
  ): Promise<DialogRecord | undefined> {
    for (let i = 0; i < attempts; i++) {
      const current = await this.get(id);
      if (current === undefined) return undefined;
      const next = change(current.record);
      if (next === undefined) return current.record;
      try {
        await this.kv.update(id, encoder.encode(JSON.stringify(next)), current.revision);
        return next;
      } catch (e) {
        if (!(e instanceof KvConflictError) || i === attempts - 1) throw e;
      }
    }
    return undefined;
  }

  async delete(id: string): Promise<void> {
    await this.kv.delete(id);
  }

  /** Remembers an outgoing SUBSCRIBE until its final response (see `PendingSubscription`). */
  async putPending(pending: PendingSubscription): Promise<void> {
    await this.kv.put(
      pendingSubscriptionKey(pending.callId, pending.localTag),
      encoder.encode(JSON.stringify(pending)),
    );
  }

  async getPending(callId: string, localTag: string): Promise<PendingSubscription | undefined> {
    const entry = await this.kv.get(pendingSubscriptionKey(callId, localTag));
    return entry === null ? undefined : (JSON.parse(decoder.decode(entry.value)) as PendingSubscription);
  }

  async deletePending(callId: string, localTag: string): Promise<void> {
    await this.kv.delete(pendingSubscriptionKey(callId, localTag));
  }
}

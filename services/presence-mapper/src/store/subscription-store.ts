import { KvConflictError, type KvEntry, type KvStore } from "@stox/bus";
import { toKvKey } from "@stox/events";
import { SubscriptionConflictError } from "../errors.js";
import { type InboundRecord, inboundDueAt } from "../state/inbound-record.js";
import { type OutboundRecord, outboundDueAt } from "../state/outbound-record.js";
import type { DialogData, MachineConfig, Transition } from "../state/types.js";

export type SubscriptionRecord = InboundRecord | OutboundRecord;

/** What the due bucket holds per record: when it needs attention, and who is working on it (the lease). */
export interface DueHint {
  readonly dueAt: number;
  /** Revision of the record this hint was computed from; an older hint never overwrites a newer one. */
  readonly recordRevision: number;
  readonly leaseOwner?: string;
  readonly leaseUntil?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encode = (v: unknown) => encoder.encode(JSON.stringify(v));
const decode = <T>(e: KvEntry): T => JSON.parse(decoder.decode(e.value)) as T;

export function inboundKey(watcherUri: string, contactJid: string): string {
  return toKvKey("in", watcherUri, contactJid);
}
export function outboundKey(userJid: string, contactUri: string): string {
  return toKvKey("out", userJid, contactUri);
}
export function dialogIndexKey(callId: string, localTag: string): string {
  return toKvKey(callId, localTag);
}

function dialogsOf(r: SubscriptionRecord | undefined): DialogData[] {
  if (!r) return [];
  if (r.kind === "inbound") return Object.values(r.dialogs);
  return [...(r.dialog ? [r.dialog] : []), ...Object.values(r.polls)];
}

export function dueAtOf(r: SubscriptionRecord, config: MachineConfig): number | undefined {
  return r.kind === "inbound"
    ? inboundDueAt(r, config.notifyIntervalMs)
    : outboundDueAt(r, config.transactionTimeoutMs);
}

export interface SubscriptionStoreOptions {
  readonly records: KvStore;
  readonly dialogs: KvStore;
  readonly due: KvStore;
  readonly config: MachineConfig;
  /** CAS attempts before giving up with SubscriptionConflictError. */
  readonly maxAttempts?: number;
}

/**
 * Subscription records in JetStream KV (PRES-STATE-01..07, CORE-ARCH-07). Every change is a
 * compare-and-set on the record's revision, so instances never overwrite each other; after a commit the
 * dialog index (Call-ID + our tag -> record) and the due hint are brought in line. Effects are returned to
 * the caller only after the commit: an instance that dies after the commit loses at most those sends.
 */
export class SubscriptionStore {
  readonly #o: SubscriptionStoreOptions;
  constructor(options: SubscriptionStoreOptions) {
    this.#o = options;
  }

  async get(key: string): Promise<{ record: SubscriptionRecord; revision: number } | undefined> {
    const e = await this.#o.records.get(key);
    return e ? { record: decode<SubscriptionRecord>(e), revision: e.revision } : undefined;
  }

  async findByDialog(callId: string, localTag: string): Promise<string | undefined> {
    const e = await this.#o.dialogs.get(dialogIndexKey(callId, localTag));
    return e ? decoder.decode(e.value) : undefined;
  }

  /** Applies `step` to the current record (undefined when none) with CAS, retrying on conflicts. */
  async mutate<R extends SubscriptionRecord, X extends object = object>(
    key: string,
    step: (current: R | undefined) => Transition<R> & X,
  ): Promise<Transition<R> & X> {
    const attempts = this.#o.maxAttempts ?? 16;
    for (let i = 0; i < attempts; i++) {
      const cur = await this.#o.records.get(key);
      const current = cur ? decode<R>(cur) : undefined;
      const t = step(current);
      let revision: number;
      try {
        if (t.record === undefined) {
          if (cur) await this.#o.records.delete(key, { revision: cur.revision });
          revision = cur?.revision ?? 0;
        } else if (cur && t.record === current) {
          revision = cur.revision; // nothing changed: only the due hint is rewritten (ends a lease)
        } else if (cur) {
          revision = await this.#o.records.update(key, encode(t.record), cur.revision);
        } else {
          revision = await this.#o.records.create(key, encode(t.record));
        }
      } catch (err) {
        if (err instanceof KvConflictError) continue;
        throw err;
      }
      await this.#reindex(key, current, t.record);
      await this.#writeDue(key, t.record, revision);
      return t;
    }
    throw new SubscriptionConflictError(key);
  }

  async #reindex(key: string, before: SubscriptionRecord | undefined, after: SubscriptionRecord | undefined) {
    const keep = new Set(dialogsOf(after).map((d) => dialogIndexKey(d.callId, d.localTag)));
    const had = new Set(dialogsOf(before).map((d) => dialogIndexKey(d.callId, d.localTag)));
    for (const k of keep) if (!had.has(k)) await this.#o.dialogs.put(k, encoder.encode(key));
    for (const k of had) if (!keep.has(k)) await this.#o.dialogs.delete(k);
  }

  async #writeDue(key: string, record: SubscriptionRecord | undefined, recordRevision: number) {
    const dueAt = record ? dueAtOf(record, this.#o.config) : undefined;
    for (let i = 0; i < 8; i++) {
      const cur = await this.#o.due.get(key);
      const old = cur ? decode<DueHint>(cur) : undefined;
      if (old && old.recordRevision > recordRevision) return; // a newer commit already wrote its hint
      try {
        if (dueAt === undefined) {
          if (cur) await this.#o.due.delete(key, { revision: cur.revision });
        } else {
          const hint: DueHint = { dueAt, recordRevision };
          if (cur) await this.#o.due.update(key, encode(hint), cur.revision);
          else await this.#o.due.create(key, encode(hint));
        }
        return;
      } catch (err) {
        if (!(err instanceof KvConflictError)) throw err;
      }
    }
  }
}

export { decode as decodeKvJson, encode as encodeKvJson };

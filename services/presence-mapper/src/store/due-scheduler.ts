import { KvConflictError, type KvStore, type KvWatcher } from "@stox/bus";
import type { Clock } from "../clock.js";
import { MinHeap } from "./min-heap.js";
import { type DueHint, decodeKvJson, encodeKvJson } from "./subscription-store.js";

export interface DueSchedulerOptions {
  readonly due: KvStore;
  readonly clock: Clock;
  /** This instance's name in leases. */
  readonly owner: string;
  /** How long a claim protects a record; a dead owner's work is retried after this. */
  readonly leaseMs: number;
  /** Does the work for a record whose time has come (and rewrites its hint, which ends the lease). */
  onDue(key: string): Promise<void>;
  onError(err: unknown, key: string): void;
}

/** Longest single sleep: timers re-check at least this often (clock jumps, lost watch updates). */
const MAX_SLEEP_MS = 30_000;

/**
 * Runs record timers across instances. Every instance watches the due bucket (initial values included), so
 * each knows every record's due time; when one comes due it claims the record by a compare-and-set on the
 * hint (leaseOwner/leaseUntil). Exactly one instance wins and runs `onDue`; the others see the claim through
 * the watch and sleep until the lease ends, so a record whose owner died is picked up after `leaseMs`.
 */
export class DueScheduler {
  readonly #o: DueSchedulerOptions;
  readonly #at = new Map<string, number>();
  readonly #heap = new MinHeap();
  #timer: unknown;
  #watcher: KvWatcher | undefined;
  #running = new Set<Promise<void>>();
  #isStopped = false;

  constructor(options: DueSchedulerOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    this.#watcher = await this.#o.due.watch({ initial: true }, (entry) => {
      if (entry.operation === "DEL") {
        this.#at.delete(entry.key);
        return;
      }
      const hint = decodeKvJson<DueHint>(entry);
      this.#set(entry.key, Math.max(hint.dueAt, hint.leaseUntil ?? 0));
    });
  }

  /** Number of records this instance tracks (all of them, from the watch). */
  get size(): number {
    return this.#at.size;
  }

  async stop(): Promise<void> {
    this.#isStopped = true;
    this.#watcher?.stop();
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    await Promise.allSettled([...this.#running]);
  }

  #set(key: string, at: number): void {
    this.#at.set(key, at);
    this.#heap.push(at, key);
    this.#arm();
  }

  #arm(): void {
    if (this.#isStopped) return;
    const next = this.#heap.peekTime();
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (next === undefined) return;
    const wait = Math.min(Math.max(0, next - this.#o.clock.now()), MAX_SLEEP_MS);
    this.#timer = this.#o.clock.setTimeout(() => this.#fire(), wait);
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.#o.clock.now();
    for (;;) {
      const top = this.#heap.peekTime();
      if (top === undefined || top > now) break;
      const { time, key } = this.#heap.pop() as { time: number; key: string };
      if (this.#at.get(key) !== time) continue; // superseded
      this.#at.delete(key);
      const job = this.#claimAndRun(key, now).catch((err) => this.#o.onError(err, key));
      this.#running.add(job);
      void job.finally(() => this.#running.delete(job));
    }
    this.#arm();
  }

  async #claimAndRun(key: string, now: number): Promise<void> {
    const entry = await this.#o.due.get(key);
    if (!entry) return;
    const hint = decodeKvJson<DueHint>(entry);
    if (hint.dueAt > now) return this.#set(key, hint.dueAt);
    if (hint.leaseOwner && hint.leaseOwner !== this.#o.owner && (hint.leaseUntil ?? 0) > now) {
      return this.#set(key, hint.leaseUntil as number);
    }
    const claim: DueHint = { ...hint, leaseOwner: this.#o.owner, leaseUntil: now + this.#o.leaseMs };
    try {
      await this.#o.due.update(key, encodeKvJson(claim), entry.revision);
    } catch (err) {
      if (err instanceof KvConflictError) return; // another instance claimed it, or the record changed
      throw err;
    }
    await this.#o.onDue(key);
  }
}

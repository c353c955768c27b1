import { MsrpTransactionError } from "./errors.js";
import type { MsrpRequest, MsrpResponse } from "./types.js";

/** The timer functions the tracker uses; pass fakes in tests. */
export interface TimerApi {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export type TransactionOutcome =
  | { readonly kind: "response"; readonly response: MsrpResponse }
  /** No response within the timeout, or a 408 from a relay (MSRP-RESP-04): treat the request as failed. */
  | { readonly kind: "timeout"; readonly response?: MsrpResponse }
  /** No response is expected (REPORT, `Failure-Report: no`), or `partial` with no error before the timeout. */
  | { readonly kind: "unacknowledged" }
  /** The connection went away first (MSRP-CONN-05). */
  | { readonly kind: "closed" };

export interface TransactionTrackerOptions {
  /** RFC 4975 §7.1.1: 30 s after the last byte of the request was sent. */
  readonly timeoutMs?: number;
  readonly timers?: TimerApi;
}

interface Entry {
  readonly handle: unknown;
  readonly resolve: (outcome: TransactionOutcome) => void;
}

const defaultTimers: TimerApi = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Matches responses to the requests sent on one connection and times them out (RFC 4975 §5.3, §7.1.1):
 * `Failure-Report: yes` (or absent) waits for a response; `partial` only listens for error responses;
 * `no` and REPORT expect nothing.
 */
export class TransactionTracker {
  readonly #entries = new Map<string, Entry>();
  readonly #timeoutMs: number;
  readonly #timers: TimerApi;

  constructor(options: TransactionTrackerOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#timers = options.timers ?? defaultTimers;
  }

  get pendingCount(): number {
    return this.#entries.size;
  }

  /**
   * Starts tracking `request`; call it once its last byte has been written (msrp.md §15 note 3).
   * Throws {@link MsrpTransactionError} when the transaction id is already pending (MSRP-FMT-01).
   */
  track(request: MsrpRequest): Promise<TransactionOutcome> {
    if (request.method === "REPORT" || request.failureReport === "no") {
      return Promise.resolve({ kind: "unacknowledged" });
    }
    const id = request.transactionId;
    if (this.#entries.has(id)) throw new MsrpTransactionError(`transaction ${id} is already pending`, id);
    const isPartial = request.failureReport === "partial";
    return new Promise<TransactionOutcome>((resolve) => {
      const handle = this.#timers.setTimeout(() => {
        this.#entries.delete(id);
        resolve(isPartial ? { kind: "unacknowledged" } : { kind: "timeout" });
      }, this.#timeoutMs);
      this.#entries.set(id, { handle, resolve });
    });
  }

  /** Delivers a response; returns false when no pending transaction matches (ignore it then). */
  handleResponse(response: MsrpResponse): boolean {
    const entry = this.#entries.get(response.transactionId);
    if (entry === undefined) return false;
    this.#entries.delete(response.transactionId);
    this.#timers.clearTimeout(entry.handle);
    // RFC 4975 §10.4 (MSRP-RESP-04): a 408 is handled like a local timeout.
    entry.resolve(response.statusCode === 408 ? { kind: "timeout", response } : { kind: "response", response });
    return true;
  }

  /** Settles every pending transaction as `closed`, e.g. when the connection fails. */
  closeAll(): void {
    for (const entry of this.#entries.values()) {
      this.#timers.clearTimeout(entry.handle);
      entry.resolve({ kind: "closed" });
    }
    this.#entries.clear();
  }
}

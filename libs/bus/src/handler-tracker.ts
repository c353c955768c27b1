import type { BusErrorListener, BusMessage, MessageHandler } from "./types.js";

/** Runs handlers without awaiting them one by one, reports their failures, and knows when all are done. */
export class HandlerTracker {
  #running = 0;
  #waiters: (() => void)[] = [];
  readonly #onError: BusErrorListener;

  constructor(onError: BusErrorListener) {
    this.#onError = onError;
  }

  get running(): number {
    return this.#running;
  }

  run(handler: MessageHandler, msg: BusMessage, subject: string): void {
    let result: void | Promise<void>;
    try {
      result = handler(msg);
    } catch (err) {
      this.#onError(asError(err), { subject });
      return;
    }
    if (!(result instanceof Promise)) return;
    this.#running++;
    result.then(
      () => this.#done(),
      (err: unknown) => {
        this.#onError(asError(err), { subject });
        this.#done();
      },
    );
  }

  /** Resolves when no handler is running. */
  idle(): Promise<void> {
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #done(): void {
    this.#running--;
    if (this.#running === 0) for (const w of this.#waiters.splice(0)) w();
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** IM-X2S-11: the per-target FIFO is full; the sender gets `<resource-constraint/>` (wait). */
export class TargetQueueFullError extends Error {
  override readonly name = "TargetQueueFullError";
  readonly code = "STOX_CHAT_QUEUE_FULL";
  readonly isRetryable = true;
  constructor(readonly target: string) {
    super(`more than the allowed MESSAGEs are waiting for ${target}`);
  }
}

/**
 * IM-X2S-11 / IM-STATE-02 (RFC 3428 §8): at most one outstanding out-of-dialog MESSAGE per Request-URI; later
 * ones wait in a FIFO of at most `limit` entries. Per instance: see README for the two-instance case.
 */
export interface TargetQueue {
  run<T>(target: string, task: () => Promise<T>): Promise<T>;
  /** Targets with work outstanding (for tests and metrics). */
  size(): number;
}

export function createTargetQueue(limit: number): TargetQueue {
  const lanes = new Map<string, { waiting: number; tail: Promise<unknown> }>();
  return {
    run<T>(target: string, task: () => Promise<T>): Promise<T> {
      let lane = lanes.get(target);
      if (lane === undefined) {
        lane = { waiting: 0, tail: Promise.resolve() };
        lanes.set(target, lane);
      }
      if (lane.waiting >= limit) return Promise.reject(new TargetQueueFullError(target));
      const current = lane;
      current.waiting++;
      const result = current.tail.then(task);
      current.tail = result.then(
        () => undefined,
        () => undefined,
      );
      void current.tail.then(() => {
        current.waiting--;
        if (current.waiting === 0 && lanes.get(target) === current) lanes.delete(target);
      });
      return result;
    },
    size: () => lanes.size,
  };
}

/**
 * Backpressure for one stream: counts inbound stanzas still waiting for a mapper, calls `pause` when the
 * count reaches `max` and `resume` once it has fallen to half. `enter()` returns the matching `leave`.
 */
export interface InFlightGate {
  enter(): () => void;
  readonly count: number;
}

export function createInFlightGate(max: number, pause: () => void, resume: () => void): InFlightGate {
  let count = 0;
  return {
    get count() {
      return count;
    },
    enter() {
      count += 1;
      if (count === max) pause();
      let isLeft = false;
      return () => {
        if (isLeft) return;
        isLeft = true;
        count -= 1;
        if (count === Math.floor(max / 2)) resume();
      };
    },
  };
}

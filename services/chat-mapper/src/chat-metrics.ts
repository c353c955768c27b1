import type { Metrics } from "@stox/telemetry";

/** A counter by outcome. */
export interface OutcomeCounter {
  inc(labels: { outcome: string }): void;
}

/** The mapper's own counters (besides serveRequests' requests_total). */
export interface ChatMetrics {
  /** stox_chat_mapper_s2x_total{outcome}: SIP MESSAGEs by what became of them. */
  readonly s2x: OutcomeCounter;
  /** stox_chat_mapper_x2s_total{outcome}: XMPP messages by what became of them. */
  readonly x2s: OutcomeCounter;
  /** stox_chat_mapper_late_errors_total{outcome}: XMPP errors after the 2xx (IM-S2X-15). */
  readonly lateErrors: OutcomeCounter;
}

/**
 * Keeps one bound child per outcome: prom-client hashes the label object on every `inc(labels)`, and these
 * run once or twice per message. Outcomes are a small fixed set (rules, statuses, conditions).
 */
function byOutcome(counter: ReturnType<Metrics["counter"]>): OutcomeCounter {
  const children = new Map<string, { inc(): void }>();
  return {
    inc({ outcome }) {
      let child = children.get(outcome);
      if (child === undefined) {
        child = counter.labels({ outcome });
        children.set(outcome, child);
      }
      child.inc();
    },
  };
}

export function createChatMetrics(metrics: Metrics): ChatMetrics {
  return {
    s2x: byOutcome(metrics.counter("s2x_total", "SIP MESSAGEs handled, by outcome", ["outcome"])),
    x2s: byOutcome(metrics.counter("x2s_total", "XMPP messages handled, by outcome", ["outcome"])),
    lateErrors: byOutcome(
      metrics.counter("late_errors_total", "XMPP errors for stanzas already answered 2xx", ["outcome"]),
    ),
  };
}

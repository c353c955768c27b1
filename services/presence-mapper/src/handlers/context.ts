import type { Bus } from "@stox/bus";
import type { Logger, Metrics } from "@stox/telemetry";
import type { Clock } from "../clock.js";
import type { IdSource, MachineConfig } from "../state/types.js";
import type { SubscriptionStore } from "../store/subscription-store.js";

/** What every handler needs; built once by startPresenceMapper. */
export interface MapperContext {
  readonly bus: Bus;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly store: SubscriptionStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly machine: MachineConfig;
  /** How long to wait for the sip-edge's final response to a request we send. */
  readonly sipRequestTimeoutMs: number;
  readonly xmppRequestTimeoutMs: number;
  /** PRES-SEC-02: home XMPP domains allowed to use the X2S direction; empty = all. */
  readonly xmppDomains: readonly string[];
  /** CORE-ARCH-02: home SIP domains whose users may subscribe through S2X; empty = all. */
  readonly sipDomains: readonly string[];
  /** Runs effects after the reply went out, tracked so stop() can wait for them. */
  background(task: () => Promise<void>): void;
}

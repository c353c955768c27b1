import type { Bus } from "@stox/bus";
import type { TimerApi } from "@stox/msrp-lite";
import type { BufferBudget } from "./buffer-budget.js";
import type { MsrpEdgeConfig } from "./config.js";
import type { MsrpConnection } from "./connection.js";
import type { MsrpSession } from "./session.js";

export type CloseReason = "requested" | "idle" | "connection-lost" | "peer-gone" | "shutdown" | "failed";

/** Receives problems that have no caller to report to (a socket fault, a mapper that never answered). */
export type EdgeErrorListener = (error: Error, context: Readonly<Record<string, unknown>>) => void;

/** Counts what happens on the wire (the service feeds metrics from it). */
export interface EdgeObserver {
  /** A transaction response we wrote, by status. */
  responded(status: number): void;
  /** A complete message handed to a mapper, by the status it was answered with. */
  delivered(status: number): void;
  /** A connection ended; `isGarbage` when we closed it for bytes that could not be framed. */
  connectionClosed(isGarbage: boolean): void;
}

export const NO_OBSERVER: EdgeObserver = { responded() {}, delivered() {}, connectionClosed() {} };

/** What the inbound and outbound halves need from the edge. */
export interface EdgeContext {
  readonly config: MsrpEdgeConfig;
  readonly bus: Bus;
  readonly timers: TimerApi;
  now(): number;
  sessionByLocalKey(key: string): MsrpSession | undefined;
  /** The session's connection, connecting first when we are the active side (MSRP-CONN-02/03). */
  connectionFor(session: MsrpSession): Promise<MsrpConnection>;
  closeSession(session: MsrpSession, reason: CloseReason, detail?: string): void;
  reportError: EdgeErrorListener;
  readonly observer: EdgeObserver;
  /** Reassembly memory across all sessions. */
  readonly budget: BufferBudget;
}

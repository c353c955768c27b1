import type { Bus } from "@stox/bus";
import type { SipRequest, SipResponse } from "@stox/sip-parser";
import type { Clock } from "./clock.js";
import type { SipEdgeConfig } from "./config.js";
import type { DialogStore } from "./dialog/dialog-store.js";
import type { DnsResolver } from "./resolver.js";
import type { TransactionLayer } from "./transaction/transaction-layer.js";
import type { Transports } from "./transport/transports.js";
import type { Source, TransportProtocol } from "./transport/types.js";

/** Reports problems that have no caller (the service wires it to its logger). */
export type EdgeErrorListener = (error: Error, context: Readonly<Record<string, unknown>>) => void;

/** Hooks for metrics; every method optional. Called synchronously: keep them cheap. */
export interface EdgeObserver {
  requestReceived?(method: string, protocol: TransportProtocol): void;
  /** A final response the edge sent to a received request (from a mapper or made by the edge). */
  finalSent?(status: number, method: string): void;
  /** A mapper did not answer: "timeout" (504), "no-responders" / "overload" (503), "error" (500). */
  mapperFailed?(reason: "timeout" | "no-responders" | "overload" | "error", method: string): void;
  /** A request refused before any transaction: parse error, oversize, rate limit. */
  refusedStateless?(status: number): void;
}

/** What the inbound and outbound halves of the edge share. */
export interface EdgeContext {
  readonly config: SipEdgeConfig;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly transactions: TransactionLayer;
  readonly transports: Transports;
  readonly dialogs: DialogStore;
  readonly dns: DnsResolver;
  readonly onError: EdgeErrorListener;
  readonly observer: EdgeObserver;
  /** Access control and request checks; a response here ends the request before any mapper sees it. */
  readonly screen: (request: SipRequest, source: Source) => SipResponse | undefined;
}

/** Via sent-by and Contact host:port for a transport (the real bound port when 0 was configured). */
export function localHostPort(ctx: EdgeContext, protocol: TransportProtocol): string {
  const l = ctx.transports.listener(protocol);
  const host = ctx.config.publicHost.includes(":") ? `[${ctx.config.publicHost}]` : ctx.config.publicHost;
  return `${host}:${l?.local.port ?? 5060}`;
}

/** The edge's Contact for a transport (RFC 3261 §8.1.1.8). */
export function localContact(ctx: EdgeContext, protocol: TransportProtocol): string {
  const scheme = protocol === "tls" || protocol === "wss" ? "sips" : "sip";
  const t = protocol === "udp" ? "" : `;transport=${protocol}`;
  return `<${scheme}:stox@${localHostPort(ctx, protocol)}${t}>`;
}

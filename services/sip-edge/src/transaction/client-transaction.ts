import { createRequest, type SipRequest, type SipResponse, serializeSipMessage } from "@stox/sip-parser";
import type { Clock, SipTimers } from "../clock.js";
import { type Destination, isReliable } from "../transport/types.js";
import { TimerQueues } from "./timer-queues.js";
import { TimerSet } from "./timer-set.js";

export type ClientTransactionState = "calling" | "trying" | "proceeding" | "completed" | "accepted" | "terminated";

export interface ClientTransactionHandlers {
  /** Every provisional and the first final response (2xx retransmissions too, for INVITE: the TU re-ACKs). */
  onResponse(response: SipResponse): void;
  /** Timer B or F fired with no final response (the TU answers itself with 408). */
  onTimeout(): void;
  /** The request could not be sent (the TU answers itself with 503). */
  onTransportError(error: Error): void;
}

export interface ClientTransactionDeps {
  readonly clock: Clock;
  readonly timers: SipTimers;
  /** Shared by every transaction of a layer; without it, the transaction keeps its own. */
  readonly queues?: TimerQueues;
  readonly send: (data: Buffer, to: Destination) => Promise<void>;
  readonly onTerminated: (tx: ClientTransaction) => void;
  /** Longest wait in Proceeding for an INVITE (RFC 3261 §16.6 Timer C, > 3 min); then a timeout. */
  readonly inviteProceedingMs: number;
}

/** Handlers of a Completed transaction: nothing reaches the TU any more. */
const COMPLETED: ClientTransactionHandlers = Object.freeze({
  onResponse: () => {},
  onTimeout: () => {},
  onTransportError: () => {},
});

/** RFC 3261 §17.1 client transaction: INVITE (§17.1.1, RFC 6026 Accepted) and non-INVITE (§17.1.2). */
export class ClientTransaction {
  readonly isInvite: boolean;
  state: ClientTransactionState;
  readonly #timers: TimerSet;
  #ack: Buffer | undefined;
  /** The request bytes, kept while they may be retransmitted (Timer A/E). */
  #data: Buffer | undefined;
  readonly #deps: ClientTransactionDeps;
  #handlers: ClientTransactionHandlers;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly destination: Destination,
    handlers: ClientTransactionHandlers,
    deps: ClientTransactionDeps,
  ) {
    this.#handlers = handlers;
    this.#deps = deps;
    this.#timers = new TimerSet(deps.queues ?? new TimerQueues(deps.clock));
    this.isInvite = request.method === "INVITE";
    this.state = this.isInvite ? "calling" : "trying";
    this.#data = serializeSipMessage(request);
  }

  /** The TU's callbacks; once Completed they are never called again and are let go (see `receiveResponse`). */
  get handlers(): ClientTransactionHandlers {
    return this.#handlers;
  }

  get #isReliable(): boolean {
    return isReliable(this.destination.protocol);
  }

  start(): void {
    const t = this.#deps.timers;
    if (!this.#isReliable) this.#retransmit(t.t1);
    // Timer B (INVITE) / Timer F (non-INVITE): 64*T1 without a final response is a timeout.
    this.#timers.after(64 * t.t1, () => {
      if (this.state === "calling" || this.state === "trying" || (!this.isInvite && this.state === "proceeding")) {
        this.#terminate();
        this.#handlers.onTimeout();
      }
    });
    this.#transmit(this.#data as Buffer);
  }

  receiveResponse(response: SipResponse): void {
    const status = response.status;
    if (this.state === "terminated") return;
    if (this.state === "completed") {
      // §17.1.1.2: a retransmitted non-2xx final is answered with the same ACK; non-INVITE absorbs it.
      if (this.#ack !== undefined) this.#transmit(this.#ack);
      return;
    }
    if (this.state === "accepted") {
      if (status >= 200 && status < 300) this.#handlers.onResponse(response);
      return;
    }
    if (status < 200) {
      if (this.state === "calling" || this.state === "trying") {
        this.state = "proceeding";
        if (this.isInvite) {
          this.#timers.clear();
          this.#timers.after(this.#deps.inviteProceedingMs, () => {
            if (this.state !== "proceeding") return;
            this.#terminate();
            this.#handlers.onTimeout();
          });
        }
      }
      this.#handlers.onResponse(response);
      return;
    }
    this.#timers.clear();
    // Final: nothing retransmits the request any more (the bytes may pin a pooled slab through Timer K/D/M).
    this.#data = undefined;
    const t = this.#deps.timers;
    if (this.isInvite && status < 300) {
      // RFC 6026 §8.4: Accepted; later 2xx retransmissions go to the TU for Timer M = 64*T1.
      this.state = "accepted";
      this.#timers.after(64 * t.t1, () => this.#terminate());
    } else if (this.isInvite) {
      this.state = "completed";
      this.#ack = serializeSipMessage(buildNon2xxAck(this.request, response));
      this.#transmit(this.#ack);
      // Timer D: at least 32 s on unreliable transports, 0 on reliable.
      this.#timers.after(this.#isReliable ? 0 : Math.max(32_000, 64 * t.t1), () => this.#terminate());
    } else {
      this.state = "completed";
      // Timer K: T4 on unreliable transports, 0 on reliable.
      this.#timers.after(this.#isReliable ? 0 : t.t4, () => this.#terminate());
    }
    this.#handlers.onResponse(response);
    // Completed only absorbs retransmitted finals (§17.1.1.2, §17.1.2.2): the TU's callbacks, and all they
    // hold, need not live through Timer D or K.
    if (this.state === "completed") this.#handlers = COMPLETED;
  }

  /** Stops timers and forgets the transaction without telling the TU (shutdown). */
  dispose(): void {
    this.#terminate();
  }

  /** Timer A / Timer E: retransmit on unreliable transports, doubling (E caps at T2, and in Proceeding uses T2). */
  #retransmit(interval: number): void {
    this.#timers.after(interval, () => {
      const active = this.isInvite ? this.state === "calling" : this.state === "trying" || this.state === "proceeding";
      if (!active || this.#data === undefined) return;
      this.#transmit(this.#data);
      const t2 = this.#deps.timers.t2;
      const next = this.isInvite ? interval * 2 : this.state === "proceeding" ? t2 : Math.min(interval * 2, t2);
      this.#retransmit(next);
    });
  }

  #terminate(): void {
    if (this.state === "terminated") return;
    this.state = "terminated";
    this.#timers.clear();
    this.#deps.onTerminated(this);
  }

  #transmit(data: Buffer): void {
    this.#deps.send(data, this.destination).catch((e: Error) => {
      if (this.state === "terminated" || this.state === "completed" || this.state === "accepted") return;
      this.#terminate();
      this.#handlers.onTransportError(e);
    });
  }
}

/** RFC 3261 §17.1.1.3: the ACK for a non-2xx final: same Request-URI, top Via, From, Call-ID, CSeq number, Route. */
export function buildNon2xxAck(request: SipRequest, response: SipResponse): SipRequest {
  const headers: [string, string][] = [];
  const via = request.headerValues("via")[0];
  if (via !== undefined) headers.push(["Via", via.split(",")[0]?.trim() ?? via]);
  headers.push(["Max-Forwards", "70"]);
  for (const r of request.headerValues("route")) headers.push(["Route", r]);
  headers.push(
    ["From", request.header("from") ?? ""],
    ["To", response.header("to") ?? ""],
    ["Call-ID", request.header("call-id") ?? ""],
    ["CSeq", `${request.cseq.seq} ACK`],
  );
  return createRequest({ method: "ACK", uri: request.uri, headers });
}

import { type SipRequest, type SipResponse, serializeSipMessage } from "@stox/sip-parser";
import type { Clock, SipTimers } from "../clock.js";
import { type Destination, isReliable, type Source } from "../transport/types.js";
import { TimerQueues } from "./timer-queues.js";
import { TimerSet } from "./timer-set.js";

export type ServerTransactionState = "trying" | "proceeding" | "completed" | "confirmed" | "accepted" | "terminated";

export interface ServerTransactionDeps {
  readonly clock: Clock;
  readonly timers: SipTimers;
  /** Shared by every transaction of a layer; without it, the transaction keeps its own. */
  readonly queues?: TimerQueues;
  readonly send: (data: Buffer, to: Destination) => Promise<void>;
  readonly onTerminated: (tx: ServerTransaction) => void;
  /** Send errors have no caller to go to (RFC 3261 §17.2.4: the TU is told); routed here. */
  readonly onSendError: (error: Error, tx: ServerTransaction) => void;
  /**
   * Rebuilds a received request from its datagram exactly as the edge first handed it over. With it, a
   * completed non-INVITE transaction keeps only those bytes for Timer J (64*T1) instead of the parsed request.
   */
  readonly reparse?: (raw: Buffer, source: Source) => SipRequest;
}

/**
 * RFC 3261 §17.2 server transaction, INVITE (§17.2.1, with the RFC 6026 Accepted state) and
 * non-INVITE (§17.2.2). Retransmitted requests are absorbed here and answered with the last response.
 */
export class ServerTransaction {
  readonly isInvite: boolean;
  state: ServerTransactionState;
  #last: Buffer | string | undefined;
  readonly #timers: TimerSet;
  #hasFinal = false;
  readonly #deps: ServerTransactionDeps;
  /** The layer's key for this request in its merged-request table (RFC 3261 §8.2.2.2), when it has one. */
  mergeKey: string | undefined;
  /** The layer's key for this 2xx-answered INVITE, so the ACK for the 2xx finds it (see `trackAccepted`). */
  acceptedKey: string | undefined;
  /** The To-tag the TU answers with, chosen once (RFC 3261 §8.2.6.2: every response of a UAS carries the same). */
  localTag: string | undefined;
  #request: SipRequest | undefined;
  /** The datagram the request was parsed from, while the parsed request is still kept. */
  #raw: Buffer | undefined;
  /** The same bytes as one-byte text, once the parsed request was let go (see `reparse`). */
  #rawText: string | undefined;

  constructor(
    readonly key: string,
    request: SipRequest,
    readonly source: Source,
    /** Where responses go (RFC 3261 §18.2.2, RFC 3581 §4). */
    readonly responseTo: Destination,
    deps: ServerTransactionDeps,
    /** The bytes `request` was parsed from, when the caller has them. */
    raw?: Buffer,
  ) {
    this.#deps = deps;
    this.#request = request;
    this.#raw = raw;
    this.#timers = new TimerSet(deps.queues ?? new TimerQueues(deps.clock));
    this.isInvite = request.method === "INVITE";
    this.state = this.isInvite ? "proceeding" : "trying";
  }

  /**
   * The request. After a non-INVITE final on an unreliable transport it may be parsed again from its bytes
   * on first read: an equal request, though not the same object.
   */
  get request(): SipRequest {
    let r = this.#request;
    if (r === undefined) {
      const reparse = this.#deps.reparse as NonNullable<ServerTransactionDeps["reparse"]>;
      r = reparse(Buffer.from(this.#rawText ?? "", "latin1"), this.source);
      this.#request = r;
    }
    return r;
  }

  get isReliable(): boolean {
    return isReliable(this.source.protocol);
  }

  /** True once a final response was sent; later responses from the TU are dropped. */
  get hasFinal(): boolean {
    return this.#hasFinal;
  }

  /** RFC 4320 §4.1: a non-INVITE 100 only after Timer E would have reached T2, so the UAC stops retransmitting. */
  startLateTrying(make100: () => SipResponse): void {
    if (this.isInvite) return;
    this.#timers.after(this.#deps.timers.t2, () => {
      if (this.state === "trying") void this.respond(make100());
    });
  }

  /** Sends a response and moves the state machine. Ignored after the final response. */
  async respond(response: SipResponse): Promise<void> {
    if (this.state === "terminated" || this.hasFinal) return;
    const data = serializeSipMessage(response);
    const status = response.status;
    if (status < 200) {
      this.#last = data;
      this.state = "proceeding";
      return this.#transmit(data);
    }
    this.#last = data;
    this.#hasFinal = true;
    const t = this.#deps.timers;
    if (this.isInvite && status < 300) {
      // RFC 6026 §7.1: Accepted; the TU retransmits 2xx (§13.3.1.4) until the ACK, for Timer L = 64*T1.
      this.state = "accepted";
      if (!this.isReliable) this.#retransmit(data, t.t1, () => this.state === "accepted");
      this.#timers.after(64 * t.t1, () => this.#terminate());
    } else if (this.isInvite) {
      this.state = "completed";
      // Timer G retransmits the final response on unreliable transports; Timer H gives up waiting for ACK.
      if (!this.isReliable) this.#retransmit(data, t.t1, () => this.state === "completed");
      this.#timers.after(64 * t.t1, () => this.#terminate());
    } else {
      this.state = "completed";
      // The late 100 can no longer be sent: drop its timer now rather than keep the request alive for T2.
      this.#timers.clear();
      // Timer J: absorb request retransmissions for 64*T1 on unreliable transports, 0 on reliable.
      this.#timers.after(this.isReliable ? 0 : 64 * t.t1, () => this.#terminate());
      // Kept for 64*T1 as a one-byte string: the bytes may share a pooled 8 KiB slab with short-lived
      // buffers, which a kept slice would pin for as long.
      if (!this.isReliable) {
        this.#last = data.toString("latin1");
        this.#releaseRequest();
      }
    }
    return this.#transmit(data);
  }

  /** A retransmission of the request arrived (§17.2.1/§17.2.2): resend the last response, if any. */
  receiveRetransmission(): void {
    if (this.#last === undefined || this.state === "confirmed" || this.state === "terminated") return;
    if (this.state === "accepted") return; // 2xx retransmission is driven by its own timer
    const last = this.#last;
    void this.#transmit(typeof last === "string" ? Buffer.from(last, "latin1") : last);
  }

  /** ACK matching this transaction: non-2xx ACK (§17.2.1 Confirmed, Timer I) or 2xx ACK (ends Accepted). */
  receiveAck(): void {
    if (this.state === "completed" && this.isInvite) {
      this.state = "confirmed";
      this.#timers.clear();
      this.#timers.after(this.isReliable ? 0 : this.#deps.timers.t4, () => this.#terminate());
    } else if (this.state === "accepted") {
      this.#timers.clear();
      this.#terminate();
    }
  }

  /** Stops every timer and forgets the transaction (shutdown). */
  dispose(): void {
    this.#terminate();
  }

  /** Timer J keeps the transaction 64*T1 to absorb retransmissions: it needs the bytes, not the parsed request. */
  #releaseRequest(): void {
    if (this.#raw === undefined || this.#deps.reparse === undefined) return;
    this.#rawText = this.#raw.toString("latin1");
    this.#raw = undefined;
    this.#request = undefined;
  }

  #retransmit(data: Buffer, interval: number, isActive: () => boolean): void {
    this.#timers.after(interval, () => {
      if (!isActive()) return;
      void this.#transmit(data);
      this.#retransmit(data, Math.min(interval * 2, this.#deps.timers.t2), isActive);
    });
  }

  #terminate(): void {
    if (this.state === "terminated") return;
    this.state = "terminated";
    this.#timers.clear();
    this.#deps.onTerminated(this);
  }

  #transmit(data: Buffer): Promise<void> {
    return this.#deps.send(data, this.responseTo).catch((e: Error) => this.#deps.onSendError(e, this));
  }
}

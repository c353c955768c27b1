import { createResponse, findParam, type SipRequest, type SipResponse } from "@stox/sip-parser";
import type { Clock, SipTimers } from "../clock.js";
import type { Destination, Source } from "../transport/types.js";
import { ClientTransaction, type ClientTransactionDeps, type ClientTransactionHandlers } from "./client-transaction.js";
import { clientTransactionKey, serverTransactionKey } from "./keys.js";
import { ServerTransaction, type ServerTransactionDeps } from "./server-transaction.js";
import { TimerQueues } from "./timer-queues.js";

/** The transaction user: the edge core that decides what to do with new requests. */
export interface TransactionUser {
  /** A new request (not a retransmission, not an ACK, not a CANCEL). */
  onRequest(tx: ServerTransaction): void;
  /** A CANCEL; `invite` is the INVITE server transaction it matches, if any (RFC 3261 §9.2). */
  onCancel(tx: ServerTransaction, invite: ServerTransaction | undefined): void;
  /** An ACK that matched no non-2xx INVITE transaction: the ACK for a 2xx (a request of its own). */
  onAck(ack: SipRequest, source: Source): void;
  /** A response that matched no client transaction (e.g. a late 2xx retransmission). */
  onStrayResponse(response: SipResponse, source: Source): void;
  /** An error with no caller (a response that could not be sent). */
  onError(error: Error): void;
}

export interface TransactionLayerOptions {
  readonly clock: Clock;
  readonly timers: SipTimers;
  readonly send: (data: Buffer, to: Destination) => Promise<void>;
  readonly inviteProceedingMs?: number;
  /** See `ServerTransactionDeps.reparse`. */
  readonly reparse?: (raw: Buffer, source: Source) => SipRequest;
}

/** RFC 3261 §17: owns every transaction of one edge instance and matches messages to them. */
export class TransactionLayer {
  readonly #server = new Map<string, ServerTransaction>();
  readonly #client = new Map<string, ClientTransaction>();
  /** 2xx-answered INVITEs by Call-ID and CSeq number, so their ACK (a new branch) stops 2xx retransmission. */
  readonly #accepted = new Map<string, ServerTransaction>();
  /** Requests outside a dialog by From-tag, Call-ID and CSeq, to spot merged requests (RFC 3261 §8.2.2.2). */
  readonly #merged = new Map<string, ServerTransaction>();
  #tu: TransactionUser | undefined;
  readonly #queues: TimerQueues;
  // One deps object per kind, shared by every transaction (nothing per transaction to allocate or keep).
  readonly #serverDeps: ServerTransactionDeps;
  readonly #clientDeps: ClientTransactionDeps;

  constructor(options: TransactionLayerOptions) {
    const queues = new TimerQueues(options.clock);
    this.#queues = queues;
    const common = { clock: options.clock, timers: options.timers, send: options.send, queues };
    this.#serverDeps = {
      ...common,
      onTerminated: (t) => this.#forgetServer(t),
      onSendError: (e) => this.#tu?.onError(e),
      ...(options.reparse === undefined ? {} : { reparse: options.reparse }),
    };
    this.#clientDeps = {
      ...common,
      inviteProceedingMs: options.inviteProceedingMs ?? 180_000,
      onTerminated: (t) => {
        if (this.#client.get(t.key) === t) this.#client.delete(t.key);
      },
    };
  }

  setUser(tu: TransactionUser): void {
    this.#tu = tu;
  }

  get serverCount(): number {
    return this.#server.size;
  }

  get clientCount(): number {
    return this.#client.size;
  }

  /**
   * A request arrived (already parsed and checked, with received/rport recorded in its Via); `raw` is the
   * datagram or frame it was parsed from, if the caller has it.
   */
  receiveRequest(request: SipRequest, source: Source, responseTo: Destination, raw?: Buffer): void {
    const tu = this.#tu;
    if (tu === undefined) return;
    const key = serverTransactionKey(request);
    if (request.method === "ACK") {
      const invite = this.#server.get(key);
      if (invite !== undefined && invite.state !== "accepted") {
        invite.receiveAck();
        return;
      }
      const accepted = this.#accepted.get(acceptedKey(request.callId, request.cseq.seq));
      accepted?.receiveAck();
      tu.onAck(request, source);
      return;
    }
    const existing = this.#server.get(key);
    if (existing !== undefined) {
      existing.receiveRetransmission();
      return;
    }
    const tx = this.#newServer(key, request, source, responseTo, raw);
    if (this.#isMergedRequest(tx)) {
      // RFC 3261 §8.2.2.2: the same request reached us by another path (a fork looped back): 482.
      void tx.respond(createResponse(request, 482, { reason: "Loop Detected" }));
      return;
    }
    if (request.method === "CANCEL") {
      tu.onCancel(tx, this.#server.get(serverTransactionKey(request, "INVITE")));
      return;
    }
    if (tx.isInvite) {
      // RFC 3261 §17.2.1: 100 Trying at once, so the UAC stops retransmitting the INVITE.
      void tx.respond(createResponse(request, 100));
    } else {
      tx.startLateTrying(() => createResponse(request, 100));
    }
    tu.onRequest(tx);
  }

  /** A response arrived: hand it to its client transaction, or to the TU when none matches. */
  receiveResponse(response: SipResponse, source: Source): void {
    const branch = response.via[0]?.branch;
    const tx = branch === undefined ? undefined : this.#client.get(clientTransactionKey(branch, response.cseq.method));
    if (tx !== undefined) tx.receiveResponse(response);
    else this.#tu?.onStrayResponse(response, source);
  }

  /** Sends a request through a new client transaction. The request's top Via must carry a fresh branch. */
  sendRequest(request: SipRequest, destination: Destination, handlers: ClientTransactionHandlers): ClientTransaction {
    const branch = request.via[0]?.branch ?? "";
    const key = clientTransactionKey(branch, request.method);
    const tx = new ClientTransaction(key, request, destination, handlers, this.#clientDeps);
    this.#client.set(key, tx);
    tx.start();
    return tx;
  }

  /** Marks a 2xx-answered INVITE so the ACK for it is recognised (called by the server transaction's owner). */
  trackAccepted(tx: ServerTransaction): void {
    const k = acceptedKey(tx.request.callId, tx.request.cseq.seq);
    this.#accepted.set(k, tx);
    tx.acceptedKey = k;
  }

  /** Stops every timer (shutdown). */
  close(): void {
    for (const tx of [...this.#server.values()]) tx.dispose();
    for (const tx of [...this.#client.values()]) tx.dispose();
    this.#accepted.clear();
    this.#merged.clear();
    this.#queues.close();
  }

  #isMergedRequest(tx: ServerTransaction): boolean {
    const r = tx.request;
    if (r.method === "CANCEL" || toTagOf(r) !== undefined) return false;
    const fromTag = findParam(r.from.params, "tag")?.value ?? "";
    const k = `${fromTag}|${r.callId}|${r.cseq.seq}|${r.cseq.method}`;
    const other = this.#merged.get(k);
    if (other !== undefined && other.state !== "terminated") return true;
    this.#merged.set(k, tx);
    tx.mergeKey = k;
    return false;
  }

  #newServer(
    key: string,
    request: SipRequest,
    source: Source,
    responseTo: Destination,
    raw: Buffer | undefined,
  ): ServerTransaction {
    const tx = new ServerTransaction(key, request, source, responseTo, this.#serverDeps, raw);
    this.#server.set(key, tx);
    return tx;
  }

  #forgetServer(t: ServerTransaction): void {
    if (this.#server.get(t.key) === t) this.#server.delete(t.key);
    // Keys kept on the transaction: a completed one may no longer hold its parsed request (see `reparse`).
    const ak = t.acceptedKey;
    if (ak !== undefined && this.#accepted.get(ak) === t) this.#accepted.delete(ak);
    const mk = t.mergeKey;
    if (mk !== undefined && this.#merged.get(mk) === t) this.#merged.delete(mk);
  }
}

function acceptedKey(callId: string, seq: number): string {
  return `${callId}|${seq}`;
}

/** The To-tag of a message, if any. */
export function toTagOf(msg: {
  to: { params: readonly { name: string; value: string | null }[] };
}): string | undefined {
  return findParam(msg.to.params, "tag")?.value ?? undefined;
}

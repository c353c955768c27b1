import type { BusMessage, Subscription } from "@stox/bus";
import {
  newEventId,
  nowIso,
  SIP_OUT_CANCEL,
  type SipResponseReceived,
  sipCancelCommandCodec,
  sipResponseReceivedCodec,
} from "@stox/events";
import { createRequest, createResponse, type SipRequest } from "@stox/sip-parser";
import type { EdgeContext } from "./edge-context.js";
import { toResponseReceived } from "./event-mapping.js";
import type { ClientTransaction } from "./transaction/client-transaction.js";
import type { Destination } from "./transport/types.js";

interface PendingInvite {
  readonly request: SipRequest;
  readonly destination: Destination;
  readonly tx: ClientTransaction;
  /** A cancel asked for before any provisional response arrived (RFC 3261 §9.1: wait for one). */
  waiting?: BusMessage;
}

/** RFC 3261 §9.1: the CANCEL for a pending INVITE: same Request-URI, Call-ID, From, To, CSeq number, top Via, Route. */
export function buildCancel(invite: SipRequest): SipRequest {
  const headers: [string, string][] = [];
  const via = invite.headerValues("via")[0];
  if (via !== undefined) headers.push(["Via", via]);
  headers.push(["Max-Forwards", "70"]);
  for (const r of invite.headerValues("route")) headers.push(["Route", r]);
  headers.push(
    ["From", invite.header("from") ?? ""],
    ["To", invite.header("to") ?? ""],
    ["Call-ID", invite.header("call-id") ?? ""],
    ["CSeq", `${invite.cseq.seq} CANCEL`],
  );
  return createRequest({ method: "CANCEL", uri: invite.uri, headers });
}

/**
 * Consumes `stox.v1.sip.out.cancel` on every instance (no queue group); only the instance holding the
 * INVITE's client transaction answers, with the CANCEL's final response.
 */
export class CancelHandler {
  readonly #ctx: EdgeContext;
  readonly #pending = new Map<string, PendingInvite>();
  #sub: Subscription | undefined;

  constructor(ctx: EdgeContext) {
    this.#ctx = ctx;
  }

  start(): void {
    this.#sub = this.#ctx.bus.subscribe(SIP_OUT_CANCEL, (msg) => this.#onCancel(msg));
  }

  stop(): void {
    this.#sub?.unsubscribe();
    this.#sub = undefined;
  }

  track(commandId: string, request: SipRequest, destination: Destination, tx: ClientTransaction): void {
    this.#pending.set(commandId, { request, destination, tx });
  }

  /** A provisional response arrived: a cancel that waited for one goes out now. */
  provisional(commandId: string): void {
    const p = this.#pending.get(commandId);
    if (p?.waiting === undefined) return;
    const msg = p.waiting;
    p.waiting = undefined;
    this.#send(p, msg);
  }

  /** The INVITE is over (final response, timeout, transport error). */
  untrack(commandId: string): void {
    const p = this.#pending.get(commandId);
    this.#pending.delete(commandId);
    if (p?.waiting !== undefined)
      this.#reply(p.waiting, this.#failure("the INVITE was answered before any provisional response"));
  }

  #onCancel(msg: BusMessage): void {
    let commandId: string;
    try {
      commandId = sipCancelCommandCodec.decode(msg.data).commandId;
    } catch {
      return; // not ours to answer: another instance may know it, and a bad command gets no reply anywhere
    }
    const p = this.#pending.get(commandId);
    if (p === undefined) return; // another instance holds it, or it is over: stay silent
    if (p.tx.state === "proceeding") this.#send(p, msg);
    else if (p.tx.state === "calling") p.waiting = msg;
    else this.#reply(msg, this.#failure("the INVITE already has a final response"));
  }

  #send(p: PendingInvite, msg: BusMessage): void {
    const cancel = buildCancel(p.request);
    this.#ctx.transactions.sendRequest(cancel, p.destination, {
      onResponse: (res) => {
        if (res.status >= 200) this.#reply(msg, toResponseReceived(res, false));
      },
      onTimeout: () => this.#reply(msg, toResponseReceived(createResponse(cancel, 408), true)),
      onTransportError: () => this.#reply(msg, toResponseReceived(createResponse(cancel, 503), true)),
    });
  }

  #failure(message: string): SipResponseReceived {
    return {
      v: 1,
      id: newEventId(),
      at: nowIso(),
      ok: false,
      error: { code: "not-found", message, isRetryable: false },
    };
  }

  #reply(msg: BusMessage, r: SipResponseReceived): void {
    if (msg.reply === undefined) return;
    this.#ctx.bus.respond(msg, sipResponseReceivedCodec.encode(r));
  }
}

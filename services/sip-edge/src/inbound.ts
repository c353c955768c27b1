import { NoRespondersError, RequestTimeoutError } from "@stox/bus";
import {
  type SipInMethod,
  type SipResponseCommand,
  sipInMethods,
  sipInSubject,
  sipRequestReceivedCodec,
  sipResponseCommandCodec,
} from "@stox/events";
import { createResponse, generateTag, type SipRequest, type SipResponse } from "@stox/sip-parser";
import { dialogFromNotify, dialogFromUas, dialogIdOf, TARGET_REFRESH, tagOf } from "./dialog/dialog-record.js";
import { type EdgeContext, localContact } from "./edge-context.js";
import { sipStatusForError } from "./error-responses.js";
import { bodyBytes, EDGE_OWNED_HEADERS, toRequestReceived } from "./event-mapping.js";
import { answerOptions } from "./request-checks.js";
import type { ServerTransaction } from "./transaction/server-transaction.js";
import type { TransactionUser } from "./transaction/transaction-layer.js";
import type { Source } from "./transport/types.js";

const IN_METHODS = new Set<string>(sipInMethods);

function busMethod(method: string): SipInMethod | undefined {
  const m = method.toLowerCase();
  return IN_METHODS.has(m) ? (m as SipInMethod) : undefined;
}

/** Outcome of looking up the dialog of an in-dialog request (RFC 3261 §12.2.2). */
type DialogCheck = { readonly dialogId: string } | { readonly reject: number };

/**
 * The transaction user for received requests: answers OPTIONS and CANCEL itself, checks dialogs in
 * the KV store, hands everything else to `stox.v1.sip.in.<method>` and turns the reply (or its absence)
 * into the final response.
 */
export class InboundHandler implements TransactionUser {
  readonly #ctx: EdgeContext;

  constructor(ctx: EdgeContext) {
    this.#ctx = ctx;
  }

  onRequest(tx: ServerTransaction): void {
    this.#handle(tx).catch((e: Error) => {
      this.#ctx.onError(e, { where: "inbound", method: tx.request.method });
      void this.#respond(tx, createResponse(tx.request, 500));
    });
  }

  onCancel(tx: ServerTransaction, invite: ServerTransaction | undefined): void {
    // RFC 3261 §9.2: no matching transaction -> 481; otherwise 200 to the CANCEL and 487 to the INVITE.
    if (invite === undefined || invite.state === "terminated") {
      void this.#respond(tx, createResponse(tx.request, 481));
      return;
    }
    void this.#respond(tx, createResponse(tx.request, 200));
    if (!invite.hasFinal) {
      void this.#respond(invite, createResponse(invite.request, 487, { toTag: this.#pendingTag(invite) }));
      this.#notify(tx.request, tx.source, "cancel");
    }
  }

  onAck(ack: SipRequest, source: Source): void {
    // The ACK for a 2xx is a request of its own (RFC 3261 §13.2.2.4); mappers may want it (media).
    const localTag = tagOf(ack.to);
    const remoteTag = tagOf(ack.from);
    if (localTag === undefined || remoteTag === undefined) return;
    const dialogId = dialogIdOf(ack.callId, localTag, remoteTag);
    // Only ACKs of dialogs we know reach mappers (stray ACKs of stateless answers are dropped).
    this.#ctx.dialogs
      .get(dialogId)
      .then((d) => {
        if (d !== undefined) this.#notify(ack, source, "ack", dialogId);
      })
      .catch((e: Error) => this.#ctx.onError(e, { where: "ACK dialog lookup" }));
  }

  onStrayResponse(): void {
    // RFC 3261 §18.1.2: a response matching no transaction is dropped.
  }

  onError(error: Error): void {
    this.#ctx.onError(error, { where: "server transaction" });
  }

  /** Requests waiting for a mapper's reply now. */
  #pending = 0;

  #respond(tx: ServerTransaction, response: SipResponse): Promise<void> {
    if (!tx.hasFinal && tx.state !== "terminated") this.#ctx.observer.finalSent?.(response.status, tx.request.method);
    return tx.respond(response);
  }

  #pendingTag(tx: ServerTransaction): string {
    let tag = tx.localTag;
    if (tag === undefined) {
      tag = tagOf(tx.request.to) ?? generateTag();
      tx.localTag = tag;
    }
    return tag;
  }

  async #handle(tx: ServerTransaction): Promise<void> {
    const { request } = tx;
    const ctx = this.#ctx;
    const refusal = ctx.screen(request, tx.source);
    if (refusal !== undefined) {
      await this.#respond(tx, refusal);
      return;
    }
    if (request.method === "OPTIONS") {
      await this.#respond(tx, answerOptions(request, ctx.config));
      return;
    }
    const method = busMethod(request.method);
    if (method === undefined) {
      await this.#respond(tx, createResponse(request, 501));
      return;
    }
    let dialogId: string | undefined;
    const toTag = tagOf(request.to);
    if (toTag !== undefined) {
      if (request.method === "NOTIFY") await this.#adoptEarlyNotify(request, toTag, tx.source.protocol);
      const check = await this.#checkDialog(request, toTag);
      if ("reject" in check) {
        await this.#respond(tx, createResponse(request, check.reject));
        return;
      }
      dialogId = check.dialogId;
    } else if (request.method === "INVITE" || request.method === "SUBSCRIBE") {
      // The id the dialog will have if the mapper answers 2xx, so it can send in-dialog requests at once.
      dialogId = dialogIdOf(request.callId, this.#pendingTag(tx), tagOf(request.from) ?? "");
    }
    if (this.#pending >= ctx.config.maxPendingRequests) {
      // Overload: more requests wait for mappers than allowed; the peer retries later (RFC 3261 §21.5.4).
      ctx.observer.mapperFailed?.("overload", request.method);
      const retry: [string, string][] = [["Retry-After", String(ctx.config.retryAfterSeconds)]];
      await this.#respond(tx, createResponse(request, 503, { toTag: this.#pendingTag(tx), headers: retry }));
      return;
    }
    const event = toRequestReceived(request, tx.source, dialogId);
    const timeoutMs = request.method === "INVITE" ? ctx.config.inviteMapperTimeoutMs : ctx.config.mapperTimeoutMs;
    let reply: SipResponseCommand;
    this.#pending++;
    try {
      const msg = await ctx.bus.request(sipInSubject(method), sipRequestReceivedCodec.encode(event), { timeoutMs });
      reply = sipResponseCommandCodec.decode(msg.data);
    } catch (e) {
      await this.#respond(tx, this.#failure(request, e as Error, tx));
      return;
    } finally {
      this.#pending--;
    }
    // A CANCEL (487) or a transaction timeout may have answered the request meanwhile: then the mapper's
    // answer is dropped and no dialog is made (RFC 3261 §9.2).
    if (tx.hasFinal || tx.state === "terminated") return;
    const response = this.#toResponse(tx, reply);
    // Outside a dialog, only INVITE and SUBSCRIBE have dialog bookkeeping to do (a MESSAGE has none).
    const hasDialogWork = dialogId !== undefined || request.method === "INVITE" || request.method === "SUBSCRIBE";
    if (hasDialogWork && response.status >= 200 && response.status < 300) await this.#afterSuccess(tx, dialogId);
    await this.#respond(tx, response);
  }

  /** No answer from a mapper: 504 on timeout, 503 + Retry-After when nobody listens, 500 otherwise. */
  #failure(request: SipRequest, e: Error, tx: ServerTransaction): SipResponse {
    const toTag = this.#pendingTag(tx);
    const retry: [string, string][] = [["Retry-After", String(this.#ctx.config.retryAfterSeconds)]];
    const observer = this.#ctx.observer;
    if (e instanceof RequestTimeoutError) {
      observer.mapperFailed?.("timeout", request.method);
      return createResponse(request, 504, { toTag });
    }
    if (e instanceof NoRespondersError) {
      observer.mapperFailed?.("no-responders", request.method);
      return createResponse(request, 503, { toTag, headers: retry });
    }
    observer.mapperFailed?.("error", request.method);
    this.#ctx.onError(e, { where: "mapper reply", method: request.method });
    return createResponse(request, 500, { toTag });
  }

  #toResponse(tx: ServerTransaction, reply: SipResponseCommand): SipResponse {
    const { request } = tx;
    const toTag = this.#pendingTag(tx);
    if (!reply.ok) {
      const answer = sipStatusForError(reply.error.code, reply.error.isRetryable, this.#ctx.config.retryAfterSeconds);
      const headers: [string, string][] =
        answer.retryAfterSeconds === undefined ? [] : [["Retry-After", String(answer.retryAfterSeconds)]];
      return createResponse(request, answer.status, { toTag, headers });
    }
    const headers: [string, string][] = [];
    let hasContact = false;
    for (const [name, value] of reply.headers ?? []) {
      const lower = name.toLowerCase();
      if (EDGE_OWNED_HEADERS.has(lower)) continue;
      if (lower === "contact" || lower === "m") hasContact = true;
      headers.push([name, value]);
    }
    const isDialogAnswer = (request.method === "INVITE" || request.method === "SUBSCRIBE") && reply.status < 300;
    // RFC 3261 §12.1.1: a dialog-creating 2xx carries the UAS Contact (the remote target for the peer).
    if (isDialogAnswer && !hasContact) headers.push(["Contact", localContact(this.#ctx, tx.source.protocol)]);
    const body = bodyBytes(reply.body, reply.bodyEncoding);
    if (body !== undefined && reply.contentType !== undefined) headers.push(["Content-Type", reply.contentType]);
    // RFC 4320 §4.2: a transaction-stateful element never answers a non-INVITE with 408; 504 says the same.
    const isBanned408 = reply.status === 408 && request.method !== "INVITE";
    return createResponse(request, isBanned408 ? 504 : reply.status, {
      toTag,
      headers,
      ...(reply.reason === undefined || isBanned408 ? {} : { reason: reply.reason }),
      ...(body === undefined ? {} : { body }),
    });
  }

  /** Dialog bookkeeping for a 2xx: create (INVITE/SUBSCRIBE), end (BYE, terminated NOTIFY). */
  async #afterSuccess(tx: ServerTransaction, dialogId: string | undefined): Promise<void> {
    const { request } = tx;
    const dialogs = this.#ctx.dialogs;
    if (tagOf(request.to) === undefined && (request.method === "INVITE" || request.method === "SUBSCRIBE")) {
      await dialogs.create(dialogFromUas(request, this.#pendingTag(tx), tx.source.protocol, tx.source.remote));
    }
    if (request.method === "INVITE") this.#ctx.transactions.trackAccepted(tx);
    if (dialogId === undefined) return;
    const subState = request.header("subscription-state") ?? "";
    // An unsubscribe (SUBSCRIBE Expires: 0) does not end the dialog yet: the notifier still sends the final
    // NOTIFY with Subscription-State: terminated in it (RFC 6665 §4.2.1.4), which does.
    const ends = request.method === "BYE" || (request.method === "NOTIFY" && /^\s*terminated/i.test(subState));
    if (ends) await dialogs.delete(dialogId);
  }

  /** RFC 6665 §4.1.2.4: a NOTIFY that beats the 2xx of our SUBSCRIBE creates the dialog. */
  async #adoptEarlyNotify(request: SipRequest, toTag: string, protocol: Source["protocol"]): Promise<void> {
    const dialogs = this.#ctx.dialogs;
    const id = dialogIdOf(request.callId, toTag, tagOf(request.from) ?? "");
    if ((await dialogs.get(id)) !== undefined) return;
    const pending = await dialogs.getPending(request.callId, toTag);
    if (pending === undefined) return;
    const d = dialogFromNotify(pending, request, protocol);
    // The remote CSeq is recorded by the normal check that follows.
    await dialogs.create({ ...d, remoteCseq: null });
  }

  /** RFC 3261 §12.2.2: 481 for an unknown dialog, 500 for an out-of-order CSeq; updates CSeq and target. */
  async #checkDialog(request: SipRequest, toTag: string): Promise<DialogCheck> {
    const dialogId = dialogIdOf(request.callId, toTag, tagOf(request.from) ?? "");
    let isOutOfOrder = false;
    const contact = request.contact[0]?.uri.raw;
    const updated = await this.#ctx.dialogs.update(dialogId, (d) => {
      if (d.remoteCseq !== null && request.cseq.seq < d.remoteCseq) {
        isOutOfOrder = true;
        return undefined;
      }
      const isRefresh = TARGET_REFRESH.has(request.method) && contact !== undefined;
      if (d.remoteCseq === request.cseq.seq && !isRefresh) return undefined;
      return { ...d, remoteCseq: request.cseq.seq, ...(isRefresh ? { remoteTarget: contact } : {}) };
    });
    if (updated === undefined) return { reject: 481 };
    if (isOutOfOrder) return { reject: 500 };
    return { dialogId };
  }

  /** Tells mappers about an ACK or CANCEL; there is no response to send, so the reply is not awaited for SIP. */
  #notify(request: SipRequest, source: Source, method: "ack" | "cancel", dialogId?: string): void {
    const event = toRequestReceived(request, source, dialogId);
    this.#ctx.bus
      .request(sipInSubject(method), sipRequestReceivedCodec.encode(event), {
        timeoutMs: this.#ctx.config.mapperTimeoutMs,
      })
      .catch(() => {
        // Nobody needs to answer an ACK/CANCEL notification; the SIP side is already handled.
      });
  }
}

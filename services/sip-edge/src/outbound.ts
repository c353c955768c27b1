import type { BusMessage, Subscription } from "@stox/bus";
import {
  type GatewayErrorCode,
  newEventId,
  nowIso,
  SIP_OUT_PROVISIONAL,
  SIP_OUT_REQUEST,
  type SipRequestCommand,
  type SipResponseReceived,
  sipProvisionalReceivedCodec,
  sipRequestCommandCodec,
  sipResponseReceivedCodec,
} from "@stox/events";
import {
  createResponse,
  generateBranch,
  type SipRequest,
  type SipResponse,
  serializeSipMessage,
} from "@stox/sip-parser";
import {
  type DialogRecord,
  dialogFromUac,
  pendingFromSubscribe,
  TARGET_REFRESH,
  tagOf,
} from "./dialog/dialog-record.js";
import { type EdgeContext, localContact, localHostPort } from "./edge-context.js";
import { SipDialogNotFoundError, SipResolveError } from "./errors.js";
import { bodyFields, toResponseReceived } from "./event-mapping.js";
import { nextHops, preferStream } from "./next-hop.js";
import { CancelHandler } from "./outbound-cancel.js";
import { buildAck2xx, buildInDialogRequest, buildNewRequest } from "./outbound-request.js";
import { type Destination, type TransportProtocol, viaTransport } from "./transport/types.js";

/** The queue group of every sip-edge instance on `stox.v1.sip.out.request`. */
export const SIP_EDGE_QUEUE = "sip-edge";

function failure(code: GatewayErrorCode, message: string, isRetryable: boolean): SipResponseReceived {
  return { v: 1, id: newEventId(), at: nowIso(), ok: false, error: { code, message, isRetryable } };
}

/**
 * Consumes `stox.v1.sip.out.request` (queue "sip-edge"): builds the request (new, or from the dialog
 * store), resolves the next hop, runs a client transaction and replies with the final response; a
 * locally made 408 on Timer B/F and 503 on a transport error, so the mapper always learns the outcome.
 */
export class OutboundHandler {
  readonly #ctx: EdgeContext;
  readonly #cancels: CancelHandler;
  #sub: Subscription | undefined;

  constructor(ctx: EdgeContext) {
    this.#ctx = ctx;
    this.#cancels = new CancelHandler(ctx);
  }

  start(): void {
    this.#sub = this.#ctx.bus.subscribe(SIP_OUT_REQUEST, (msg) => this.#onCommand(msg), { queue: SIP_EDGE_QUEUE });
    this.#cancels.start();
  }

  stop(): void {
    this.#sub?.unsubscribe();
    this.#sub = undefined;
    this.#cancels.stop();
  }

  async #onCommand(msg: BusMessage): Promise<void> {
    let replied = false;
    const reply = (r: SipResponseReceived) => {
      if (replied || msg.reply === undefined) return;
      replied = true;
      this.#ctx.bus.respond(msg, sipResponseReceivedCodec.encode(r));
    };
    let cmd: SipRequestCommand;
    try {
      cmd = sipRequestCommandCodec.decode(msg.data);
    } catch (e) {
      reply(failure("bad-request", (e as Error).message, false));
      return;
    }
    try {
      await this.#send(cmd, reply);
    } catch (e) {
      if (e instanceof SipDialogNotFoundError) reply(failure("not-found", e.message, false));
      else if (e instanceof SipResolveError) reply(failure("unavailable", e.message, true));
      else {
        this.#ctx.onError(e as Error, { where: "outbound", method: cmd.method });
        reply(failure("bad-request", (e as Error).message, false));
      }
    }
  }

  async #send(cmd: SipRequestCommand, reply: (r: SipResponseReceived) => void): Promise<void> {
    const ctx = this.#ctx;
    const method = cmd.method.toUpperCase();
    if (method === "ACK" || method === "CANCEL") {
      reply(failure("not-implemented", `the edge sends ${method} itself`, false));
      return;
    }
    let dialog: DialogRecord | undefined;
    let cseq = 1;
    if (cmd.dialogId !== undefined) {
      dialog = await ctx.dialogs.update(cmd.dialogId, (d) => ({ ...d, localCseq: d.localCseq + 1 }));
      if (dialog === undefined) throw new SipDialogNotFoundError(cmd.dialogId);
      cseq = dialog.localCseq;
    }
    const candidates = preferStream(this.#ctx, cmd, await nextHops(this.#ctx, cmd, dialog));
    const first = candidates[0] as Destination;
    const parts = {
      via: this.#via(first.protocol),
      contact: localContact(ctx, first.protocol),
      ...(dialog === undefined && ctx.config.outboundProxy !== undefined
        ? { preloadedRoute: `<${ctx.config.outboundProxy};lr>` }
        : {}),
    };
    const request = dialog === undefined ? buildNewRequest(cmd, parts) : buildInDialogRequest(cmd, dialog, cseq, parts);
    if (dialog === undefined && request.method === "SUBSCRIBE") {
      await ctx.dialogs.putPending(pendingFromSubscribe(request, first.protocol));
    }
    this.#attempt(cmd.id, request, candidates, 0, dialog, reply);
  }

  /** One client transaction to `candidates[index]`; RFC 3263 §4.3: a transport failure moves to the next one. */
  #attempt(
    commandId: string,
    request: SipRequest,
    candidates: readonly Destination[],
    index: number,
    dialog: DialogRecord | undefined,
    reply: (r: SipResponseReceived) => void,
  ): void {
    const dest = candidates[index] as Destination;
    if (index > 0) {
      // A new transaction: a new branch, and the Via and Contact of the transport now used.
      request.setHeader("Via", this.#via(dest.protocol));
      if (request.hasHeader("contact") && candidates[index - 1]?.protocol !== dest.protocol) {
        request.setHeader("Contact", localContact(this.#ctx, dest.protocol));
      }
    }
    let dialogId = dialog?.id;
    const tx = this.#ctx.transactions.sendRequest(request, dest, {
      onResponse: (res) => {
        if (res.status < 200) {
          if (res.status > 100) this.#publishProvisional(commandId, res);
          this.#cancels.provisional(commandId);
          return;
        }
        this.#cancels.untrack(commandId);
        if (request.method === "INVITE" && res.status < 300) {
          // 2xx retransmissions arrive here too: each gets the same ACK (RFC 3261 §13.2.2.4).
          this.#ack2xx(request, res, dest, dialog)
            .then((id) => {
              dialogId = id;
              reply(toResponseReceived(res, false, dialogId));
            })
            .catch((e: Error) => {
              this.#ctx.onError(e, { where: "ACK for 2xx" });
              reply(failure("internal", e.message, false));
            });
          return;
        }
        void this.#afterFinal(request, res, dest, dialog).then((id) => reply(toResponseReceived(res, false, id)));
      },
      onTimeout: () => {
        this.#cancels.untrack(commandId);
        this.#dropPending(request, dialog);
        reply(toResponseReceived(createResponse(request, 408), true, dialogId));
      },
      onTransportError: () => {
        if (index + 1 < candidates.length) {
          this.#attempt(commandId, request, candidates, index + 1, dialog, reply);
          return;
        }
        this.#cancels.untrack(commandId);
        this.#dropPending(request, dialog);
        reply(toResponseReceived(createResponse(request, 503), true, dialogId));
      },
    });
    if (request.method === "INVITE") this.#cancels.track(commandId, request, dest, tx);
  }

  /** `stox.v1.sip.out.provisional`: 180 Ringing and friends, for the mapper that sent the command. */
  #publishProvisional(commandId: string, res: SipResponse): void {
    try {
      const event = sipProvisionalReceivedCodec.encode({
        v: 1,
        id: newEventId(),
        at: nowIso(),
        commandId,
        callId: res.callId,
        status: res.status,
        reason: res.reason,
        headers: res.headers.map((h) => [h.name, h.value] as [string, string]),
        ...bodyFields(res),
      });
      this.#ctx.bus.publish(SIP_OUT_PROVISIONAL, event);
    } catch (e) {
      this.#ctx.onError(e as Error, { where: "provisional event" });
    }
  }

  #dropPending(request: SipRequest, dialog: DialogRecord | undefined): void {
    if (dialog !== undefined || request.method !== "SUBSCRIBE") return;
    this.#ctx.dialogs
      .deletePending(request.callId, tagOf(request.from) ?? "")
      .catch((e: Error) => this.#ctx.onError(e, { where: "dialog store" }));
  }

  /** Dialog bookkeeping after a final response; resolves with the dialog id to report. */
  async #afterFinal(
    request: SipRequest,
    res: SipResponse,
    dest: Destination,
    dialog: DialogRecord | undefined,
  ): Promise<string | undefined> {
    const dialogs = this.#ctx.dialogs;
    try {
      if (dialog === undefined && request.method === "SUBSCRIBE") {
        await dialogs.deletePending(request.callId, tagOf(request.from) ?? "");
      }
      if (dialog === undefined && request.method === "SUBSCRIBE" && res.status < 300) {
        const created = dialogFromUac(request, res, dest.protocol);
        await dialogs.create(created);
        return created.id;
      }
      if (dialog !== undefined && res.status < 300) await this.#refreshTarget(dialog, request, res);
      // RFC 3261 §15.1.1 / §12.2.1.2: a BYE ends the dialog whatever its answer; 481/408 mean it is gone.
      // RFC 6665 §4.2.2: a NOTIFY with Subscription-State: terminated ends the subscription dialog.
      const isFinalNotify =
        request.method === "NOTIFY" && /^\s*terminated/i.test(request.header("subscription-state") ?? "");
      if (
        dialog !== undefined &&
        (request.method === "BYE" || isFinalNotify || res.status === 481 || res.status === 408)
      ) {
        await dialogs.delete(dialog.id);
      }
    } catch (e) {
      this.#ctx.onError(e as Error, { where: "dialog store" });
    }
    return dialog?.id;
  }

  /** RFC 3261 §12.2.1.2: a 2xx to a target-refresh request replaces the remote target with its Contact. */
  async #refreshTarget(dialog: DialogRecord, request: SipRequest, res: SipResponse): Promise<void> {
    const contact = res.contact[0]?.uri.raw;
    if (contact === undefined || !TARGET_REFRESH.has(request.method)) return;
    await this.#ctx.dialogs
      .update(dialog.id, (d) => (d.remoteTarget === contact ? undefined : { ...d, remoteTarget: contact }))
      .catch((e: Error) => this.#ctx.onError(e, { where: "dialog store" }));
  }

  async #ack2xx(
    request: SipRequest,
    res: SipResponse,
    dest: Destination,
    dialog: DialogRecord | undefined,
  ): Promise<string | undefined> {
    let d = dialog;
    if (d === undefined) {
      d = dialogFromUac(request, res, dest.protocol);
      await this.#ctx.dialogs.create(d).catch((e: Error) => this.#ctx.onError(e, { where: "dialog store" }));
    } else {
      const contact = res.contact[0]?.uri.raw;
      if (contact !== undefined) d = { ...d, remoteTarget: contact };
      await this.#refreshTarget(d, request, res);
    }
    const ack = buildAck2xx(d, request.cseq.seq, this.#via(dest.protocol));
    const ackDest = await nextHops(this.#ctx, { method: "ACK" } as SipRequestCommand, d)
      .then((all) => all[0] ?? dest)
      .catch(() => dest);
    await this.#ctx.transports
      .send(serializeSipMessage(ack), ackDest)
      .catch((e: Error) => this.#ctx.onError(e, { where: "ACK for 2xx" }));
    return d.id;
  }

  #via(protocol: TransportProtocol): string {
    return `SIP/2.0/${viaTransport(protocol)} ${localHostPort(this.#ctx, protocol)};branch=${generateBranch()};rport`;
  }
}

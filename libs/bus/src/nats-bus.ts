import {
  connect,
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription as NatsSubscription,
} from "nats";
import { BusClosedError, BusConnectionError, PayloadTooLargeError } from "./errors.js";
import { HandlerTracker } from "./handler-tracker.js";
import { NatsHeaderBlock } from "./nats-headers.js";
import { openNatsKv } from "./nats-kv.js";
import { ReplyInbox } from "./reply-inbox.js";
import { checkSubject } from "./subject.js";
import type {
  Bus,
  BusErrorListener,
  BusMessage,
  Headers,
  KvOptions,
  KvStore,
  MessageHandler,
  PublishOptions,
  RequestOptions,
  SubscribeOptions,
  Subscription,
} from "./types.js";

export interface NatsBusOptions {
  /** One or more comma-separated server URLs, e.g. nats://127.0.0.1:4222. */
  readonly url: string;
  /** Connection name shown by the server (`nats-server` monitoring): use the service name. */
  readonly name: string;
  readonly onError?: BusErrorListener;
  /** Give up on the initial connection after this long. */
  readonly connectTimeoutMs?: number;
  /** Reconnect forever by default: a service outlives NATS restarts. */
  readonly maxReconnectAttempts?: number;
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
}

const EMPTY_HEADERS: Headers = Object.freeze({});

/** Connects to NATS and returns the bus. KV buckets are JetStream KV (the server must run with -js). */
export async function connectNatsBus(options: NatsBusOptions): Promise<Bus> {
  const onError: BusErrorListener = options.onError ?? (() => {});
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.url.split(",").map((s) => s.trim()),
      name: options.name,
      timeout: options.connectTimeoutMs ?? 5_000,
      maxReconnectAttempts: options.maxReconnectAttempts ?? -1,
      reconnectTimeWait: 500,
      // nats.js otherwise captures two stack traces (new Error()) per request, to decorate errors that almost
      // never happen: about a tenth of the gateway's CPU at 1k requests/s. Errors keep their codes.
      noAsyncTraces: true,
      ...(options.user === undefined ? {} : { user: options.user, pass: options.pass ?? "" }),
      ...(options.token === undefined ? {} : { token: options.token }),
    });
  } catch (err) {
    throw new BusConnectionError(`cannot connect to NATS at ${options.url}`, { cause: err });
  }
  return new NatsBus(nc, onError);
}

class NatsBus implements Bus {
  readonly kind = "nats" as const;
  readonly #nc: NatsConnection;
  readonly #tracker: HandlerTracker;
  readonly #onError: BusErrorListener;
  readonly #subscriptions = new Set<NatsSubscription>();
  readonly #replies: ReplyInbox;
  #isReconnecting = false;
  #isDraining = false;

  constructor(nc: NatsConnection, onError: BusErrorListener) {
    this.#nc = nc;
    this.#onError = onError;
    this.#tracker = new HandlerTracker(onError);
    this.#replies = new ReplyInbox(nc, createInbox(), fromNatsMsg, onError);
    void this.#watchStatus();
  }

  get maxPayloadBytes(): number {
    return this.#nc.info?.max_payload ?? 1024 * 1024;
  }

  async #watchStatus(): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (s.type === "disconnect" || s.type === "reconnecting") this.#isReconnecting = true;
      else if (s.type === "reconnect") this.#isReconnecting = false;
      else if (s.type === "error") this.#onError(new BusConnectionError(`NATS: ${String(s.data)}`), {});
    }
  }

  // Publishing stays allowed while draining: handlers that are still running may reply or publish results.
  #check(subject: string, data: Uint8Array, allowWildcards: boolean): void {
    if (this.#nc.isClosed()) throw new BusClosedError();
    checkSubject(subject, allowWildcards);
    const max = this.maxPayloadBytes;
    if (data.byteLength > max) throw new PayloadTooLargeError(data.byteLength, max);
  }

  publish(subject: string, data: Uint8Array, options: PublishOptions = {}): void {
    this.#check(subject, data, false);
    this.#nc.publish(subject, data, {
      ...(options.headers ? { headers: toNatsHeaders(options.headers) } : {}),
      ...(options.reply === undefined ? {} : { reply: options.reply }),
    });
  }

  subscribe(subject: string, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
    if (this.#isDraining) throw new BusClosedError();
    this.#check(subject, new Uint8Array(0), true);
    const sub = this.#nc.subscribe(subject, {
      ...(options.queue === undefined ? {} : { queue: options.queue }),
      callback: (err, msg) => {
        if (err) {
          this.#onError(err, { subject });
          return;
        }
        this.#tracker.run(handler, fromNatsMsg(msg), subject);
      },
    });
    this.#subscriptions.add(sub);
    const subscriptions = this.#subscriptions;
    return {
      subject,
      ...(options.queue === undefined ? {} : { queue: options.queue }),
      unsubscribe() {
        subscriptions.delete(sub);
        if (!sub.isClosed()) sub.unsubscribe();
      },
    };
  }

  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage> {
    try {
      this.#check(subject, data, false);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#replies.request(subject, options.timeoutMs, (reply) =>
      this.#nc.publish(subject, data, {
        reply,
        ...(options.headers ? { headers: toNatsHeaders(options.headers) } : {}),
      }),
    );
  }

  respond(to: BusMessage, data: Uint8Array, options: { readonly headers?: Headers } = {}): void {
    if (!to.reply) throw new Error(`message on ${to.subject} has no reply subject`);
    this.#check(to.reply, data, false);
    this.#nc.publish(to.reply, data, options.headers ? { headers: toNatsHeaders(options.headers) } : {});
  }

  kv(bucket: string, options: KvOptions = {}): Promise<KvStore> {
    if (this.#isDraining || this.#nc.isClosed()) return Promise.reject(new BusClosedError());
    return openNatsKv(this.#nc, bucket, options, this.#onError, this.#replies);
  }

  isConnected(): boolean {
    return !this.#nc.isClosed() && !this.#isReconnecting && !this.#isDraining;
  }

  async drain(): Promise<void> {
    if (this.#isDraining || this.#nc.isClosed()) return;
    this.#isDraining = true;
    // Stop new deliveries first, let running handlers finish (they may still reply), then flush and close.
    await Promise.all([...this.#subscriptions].map((s) => s.drain().catch(() => undefined)));
    await this.#tracker.idle();
    await this.#nc.drain();
  }
}

function toNatsHeaders(headers: Headers): MsgHdrs {
  return new NatsHeaderBlock(headers);
}

function fromNatsMsg(msg: Msg): BusMessage {
  let headers: Headers = EMPTY_HEADERS;
  if (msg.headers) {
    const out: Record<string, string> = {};
    for (const [name, values] of msg.headers) out[name.toLowerCase()] = values[0] ?? "";
    headers = out;
  }
  return { subject: msg.subject, data: msg.data, headers, ...(msg.reply ? { reply: msg.reply } : {}) };
}

import { randomUUID } from "node:crypto";
import { copyBytes } from "./copy-bytes.js";
import { BusClosedError, NoRespondersError, PayloadTooLargeError, RequestTimeoutError } from "./errors.js";
import { HandlerTracker } from "./handler-tracker.js";
import { createMemoryKvRegistry } from "./memory-kv.js";
import { checkSubject, subjectMatches } from "./subject.js";
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

export interface MemoryBusOptions {
  /** Same default as nats-server's max_payload. */
  readonly maxPayloadBytes?: number;
  readonly onError?: BusErrorListener;
}

interface MemorySubscription extends Subscription {
  readonly handler: MessageHandler;
  isActive: boolean;
}

const EMPTY_HEADERS: Headers = Object.freeze({});

/**
 * A bus inside one process with the semantics of the NATS one: `*`/`>` wildcards, queue groups, asynchronous
 * delivery, copied payloads, request timeouts vs no responders, payload limits, and a KV store with
 * revisions, compare-and-set, bucket TTL and watch.
 */
export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  const maxPayloadBytes = options.maxPayloadBytes ?? 1024 * 1024;
  const onError: BusErrorListener = options.onError ?? (() => {});
  // Concrete subjects (every request's reply inbox among them) are looked up by key; only patterns with
  // wildcards are scanned, so thousands of requests in flight cost no more per message than one.
  const exact = new Map<string, MemorySubscription[]>();
  const wildcards: MemorySubscription[] = [];
  const queueCursor = new Map<string, number>();
  const tracker = new HandlerTracker(onError);
  const kvRegistry = createMemoryKvRegistry();
  let isOpen = true;
  // Reply inboxes: a random prefix per bus and a counter, as nats.js does (no UUID per request).
  const inboxPrefix = `_INBOX.${randomUUID().replaceAll("-", "")}.`;
  let inboxSeq = 0;

  function deliver(sub: MemorySubscription, msg: BusMessage): void {
    const copy: BusMessage = { ...msg, data: copyBytes(msg.data) };
    queueMicrotask(() => {
      if (sub.isActive) tracker.run(sub.handler, copy, sub.subject);
    });
  }

  function route(msg: BusMessage): number {
    let delivered = 0;
    let groups: Map<string, MemorySubscription[]> | undefined;
    const visit = (sub: MemorySubscription) => {
      if (!sub.isActive) return;
      if (sub.queue === undefined) {
        deliver(sub, msg);
        delivered++;
        return;
      }
      groups ??= new Map();
      const key = `${sub.queue}\u0000${sub.subject}`;
      const members = groups.get(key);
      if (members) members.push(sub);
      else groups.set(key, [sub]);
    };
    const direct = exact.get(msg.subject);
    if (direct) for (const sub of direct) visit(sub);
    for (const sub of wildcards) if (subjectMatches(sub.subject, msg.subject)) visit(sub);
    if (groups) {
      for (const [key, members] of groups) {
        const cursor = queueCursor.get(key) ?? 0;
        queueCursor.set(key, cursor + 1);
        deliver(members[cursor % members.length] as MemorySubscription, msg);
        delivered++;
      }
    }
    return delivered;
  }

  function add(sub: MemorySubscription): void {
    if (isPattern(sub.subject)) {
      wildcards.push(sub);
      return;
    }
    const list = exact.get(sub.subject);
    if (list) list.push(sub);
    else exact.set(sub.subject, [sub]);
  }

  function remove(sub: MemorySubscription): void {
    if (isPattern(sub.subject)) {
      wildcards.splice(wildcards.indexOf(sub), 1);
      return;
    }
    const list = exact.get(sub.subject);
    if (!list) return;
    list.splice(list.indexOf(sub), 1);
    if (list.length === 0) exact.delete(sub.subject);
  }

  function allSubscriptions(): MemorySubscription[] {
    return [...wildcards, ...[...exact.values()].flat()];
  }

  function send(subject: string, data: Uint8Array, headers: Headers | undefined, reply: string | undefined): number {
    if (!isOpen) throw new BusClosedError();
    checkSubject(subject, false);
    if (data.byteLength > maxPayloadBytes) throw new PayloadTooLargeError(data.byteLength, maxPayloadBytes);
    const msg: BusMessage = {
      subject,
      data,
      headers: headers ? lowerCaseHeaders(headers) : EMPTY_HEADERS,
      ...(reply === undefined ? {} : { reply }),
    };
    return route(msg);
  }

  const bus: Bus = {
    kind: "memory",
    maxPayloadBytes,
    publish(subject: string, data: Uint8Array, opts: PublishOptions = {}): void {
      send(subject, data, opts.headers, opts.reply);
    },
    subscribe(subject: string, handler: MessageHandler, opts: SubscribeOptions = {}): Subscription {
      if (!isOpen) throw new BusClosedError();
      checkSubject(subject, true);
      const sub: MemorySubscription = {
        subject,
        handler,
        isActive: true,
        ...(opts.queue === undefined ? {} : { queue: opts.queue }),
        unsubscribe() {
          if (!sub.isActive) return;
          sub.isActive = false;
          remove(sub);
        },
      };
      add(sub);
      return sub;
    },
    request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<BusMessage> {
      return new Promise<BusMessage>((resolve, reject) => {
        const inbox = `${inboxPrefix}${++inboxSeq}`;
        let timer: NodeJS.Timeout | undefined;
        const replySub = bus.subscribe(inbox, (msg) => {
          clearTimeout(timer);
          replySub.unsubscribe();
          resolve(msg);
        });
        let receivers: number;
        try {
          receivers = send(subject, data, opts.headers, inbox);
        } catch (err) {
          replySub.unsubscribe();
          reject(err);
          return;
        }
        if (receivers === 0) {
          replySub.unsubscribe();
          // Asynchronous, as the NATS server's 503 status reply is.
          queueMicrotask(() => reject(new NoRespondersError(subject)));
          return;
        }
        timer = setTimeout(() => {
          replySub.unsubscribe();
          reject(new RequestTimeoutError(subject, opts.timeoutMs));
        }, opts.timeoutMs);
      });
    },
    respond(to: BusMessage, data: Uint8Array, opts: { readonly headers?: Headers } = {}): void {
      if (!to.reply) throw new Error(`message on ${to.subject} has no reply subject`);
      send(to.reply, data, opts.headers, undefined);
    },
    async kv(bucket: string, opts: KvOptions = {}): Promise<KvStore> {
      if (!isOpen) throw new BusClosedError();
      return kvRegistry.open(bucket, opts);
    },
    isConnected: () => isOpen,
    async drain(): Promise<void> {
      if (!isOpen) return;
      for (const sub of allSubscriptions()) if (!sub.subject.startsWith("_INBOX.")) sub.unsubscribe();
      // Let already-queued deliveries run, then wait for their handlers (which may still publish replies).
      await new Promise((r) => setImmediate(r));
      await tracker.idle();
      isOpen = false;
      for (const sub of allSubscriptions()) sub.unsubscribe();
      kvRegistry.close();
    },
  };
  return bus;
}

function isPattern(subject: string): boolean {
  return subject.includes("*") || subject.includes(">");
}

export function lowerCaseHeaders(headers: Headers): Headers {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

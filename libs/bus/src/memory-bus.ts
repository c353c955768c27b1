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

  /** Who gets a message on one subject: every plain subscriber, and one member per queue group. */
  interface Route {
    readonly plain: readonly MemorySubscription[];
    readonly groups: readonly { readonly key: string; readonly members: readonly MemorySubscription[] }[];
  }
  // Routes by subject, for the subjects that are published to over and over (the event kinds): a message
  // costs a map lookup, not a scan of every pattern. Any subscription change clears it. Reply inboxes are
  // neither cached nor subscriptions (see `replies`), so requests in flight do not churn it.
  const routes = new Map<string, Route>();
  const MAX_CACHED_ROUTES = 4096;

  function routeOf(subject: string): Route {
    const plain: MemorySubscription[] = [];
    const groups: { key: string; members: MemorySubscription[] }[] = [];
    const visit = (sub: MemorySubscription) => {
      if (sub.queue === undefined) {
        plain.push(sub);
        return;
      }
      const key = `${sub.queue}\u0000${sub.subject}`;
      const group = groups.find((g) => g.key === key);
      if (group) group.members.push(sub);
      else groups.push({ key, members: [sub] });
    };
    const direct = exact.get(subject);
    if (direct) for (const sub of direct) visit(sub);
    for (const sub of wildcards) if (subjectMatches(sub.subject, subject)) visit(sub);
    return { plain, groups };
  }

  function route(msg: BusMessage, isInbox: boolean): number {
    let r = isInbox ? undefined : routes.get(msg.subject);
    if (r === undefined) {
      r = routeOf(msg.subject);
      if (!isInbox) {
        if (routes.size >= MAX_CACHED_ROUTES) routes.clear();
        routes.set(msg.subject, r);
      }
    }
    let delivered = 0;
    for (const sub of r.plain) {
      deliver(sub, msg);
      delivered++;
    }
    for (const { key, members } of r.groups) {
      const cursor = queueCursor.get(key) ?? 0;
      queueCursor.set(key, cursor + 1);
      deliver(members[cursor % members.length] as MemorySubscription, msg);
      delivered++;
    }
    return delivered;
  }

  // Subscriptions that may match a reply inbox: only with one of these do replies pay for routing.
  let inboxWatchers = 0;
  const mayMatchInbox = (subject: string): boolean => {
    const first = subject.slice(0, subject.indexOf(".") >>> 0);
    return first === "_INBOX" || first === "*" || first === ">";
  };

  function add(sub: MemorySubscription): void {
    routes.clear();
    if (mayMatchInbox(sub.subject)) inboxWatchers++;
    if (isPattern(sub.subject)) {
      wildcards.push(sub);
      return;
    }
    const list = exact.get(sub.subject);
    if (list) list.push(sub);
    else exact.set(sub.subject, [sub]);
  }

  function remove(sub: MemorySubscription): void {
    routes.clear();
    if (mayMatchInbox(sub.subject)) inboxWatchers--;
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
    if (!subject.startsWith(inboxPrefix)) return route(msg, false);
    // A reply: to the request waiting for it, and to any subscriber of the subject (a `>` tap, say).
    const waiting = replies.get(subject);
    let delivered = 0;
    if (waiting !== undefined) {
      replies.delete(subject);
      const copy: BusMessage = { ...msg, data: copyBytes(data) };
      queueMicrotask(() => waiting(copy));
      delivered++;
    }
    return inboxWatchers === 0 ? delivered : delivered + route(msg, true);
  }

  /** Requests waiting for their reply, by reply subject. A reply settles its request once. */
  const replies = new Map<string, (msg: BusMessage) => void>();

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
        let receivers: number;
        try {
          receivers = send(subject, data, opts.headers, inbox);
        } catch (err) {
          reject(err);
          return;
        }
        if (receivers === 0) {
          // Asynchronous, as the NATS server's 503 status reply is.
          queueMicrotask(() => reject(new NoRespondersError(subject)));
          return;
        }
        // Delivery is asynchronous, so no reply can have come yet: register before any can.
        const timer = setTimeout(() => {
          replies.delete(inbox);
          reject(new RequestTimeoutError(subject, opts.timeoutMs));
        }, opts.timeoutMs);
        replies.set(inbox, (msg) => {
          clearTimeout(timer);
          resolve(msg);
        });
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

import { type Client, client, xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { registerCleanup } from "./cleanup.js";
import { HarnessTimeoutError } from "./errors.js";
import { verifyStartTlsWith } from "./xmpp-starttls.js";

export interface XmppClientOptions {
  /** e.g. `xmpp://127.0.0.1:<c2sPort>` (`ProsodyHandle.service`). */
  readonly service: string;
  readonly domain: string;
  readonly username: string;
  readonly password: string;
  readonly resource?: string;
  /** Send initial presence once online, so messages to the bare JID reach this resource. Default true. */
  readonly isAvailable?: boolean;
  /** Default 10 s. */
  readonly connectTimeoutMs?: number;
  /**
   * Trust anchor(s) (PEM) for the server's STARTTLS certificate, e.g. `TestCertificates.ca.cert`, checked for
   * `domain`. Without it the client uses Node's default CAs (so a test certificate is refused).
   */
  readonly ca?: string | readonly string[];
}

/** An XMPP test user: an `@xmpp/client` connection plus waiting helpers. */
export interface XmppTestClient {
  /** Full JID bound by the server. */
  readonly jid: string;
  readonly bareJid: string;
  /** The underlying `@xmpp/client` entity, for anything the helpers do not cover. */
  readonly xmpp: Client;
  /** Every stanza received so far, in order. */
  readonly received: readonly Element[];
  send(stanza: Element): Promise<void>;
  /** Sends `<message type=chat><body/></message>`; resolves with the id used. */
  sendMessage(to: string, body: string, options?: { type?: string; id?: string }): Promise<string>;
  /**
   * The first received stanza matching `predicate` that no earlier wait returned, including ones that
   * arrived before the call. Throws HarnessTimeoutError after `timeoutMs` (default 5 s).
   */
  waitForStanza(predicate: (stanza: Element) => boolean, timeoutMs?: number): Promise<Element>;
  /** `waitForStanza` for a `<message>` with a `<body>`, optionally from a given JID (bare or full). */
  waitForMessage(options?: { from?: string; timeoutMs?: number }): Promise<Element>;
  /** Sends unavailable presence and closes the stream. Idempotent. */
  stop(): Promise<void>;
}

export { type Element, xml };

function bare(jid: string): string {
  const slash = jid.indexOf("/");
  return slash < 0 ? jid : jid.slice(0, slash);
}

/**
 * Connects an XMPP test user (TCP, STARTTLS when the server offers it, SASL) and registers its stop with
 * `cleanup()`.
 */
export async function xmppClient(options: XmppClientOptions): Promise<XmppTestClient> {
  const xmpp = client({
    service: options.service,
    domain: options.domain,
    username: options.username,
    password: options.password,
    ...(options.resource !== undefined ? { resource: options.resource } : {}),
  });
  // Tests want a clear failure, not a silent reconnect loop.
  xmpp.reconnect.stop();
  if (options.ca !== undefined) verifyStartTlsWith(xmpp, options.domain, options.ca);
  const received: Element[] = [];
  const consumed = new WeakSet<Element>();
  const waiters = new Set<() => void>();
  const errors: Error[] = [];
  xmpp.on("error", (err: Error) => errors.push(err));
  xmpp.on("stanza", (stanza: Element) => {
    received.push(stanza);
    for (const wake of [...waiters]) wake();
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (xmpp.status === "online") await xmpp.send(xml("presence", { type: "unavailable" })).catch(() => undefined);
      await xmpp.stop().catch(() => undefined);
    })();
    return stopping;
  };
  const unregister = registerCleanup(`xmpp ${options.username}@${options.domain}`, stop);

  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  const address = await Promise.race([
    xmpp.start(),
    new Promise<never>((_, fail) => {
      timer = setTimeout(
        () => fail(new HarnessTimeoutError(`xmpp ${options.username}: not online after ${timeoutMs} ms`)),
        timeoutMs,
      );
    }),
  ]).catch(async (err: unknown) => {
    await stop();
    unregister();
    throw err;
  });
  clearTimeout(timer);
  if (options.isAvailable !== false) await xmpp.send(xml("presence"));
  const jid = address.toString();

  const waitForStanza = (predicate: (s: Element) => boolean, waitMs = 5_000): Promise<Element> =>
    new Promise((resolve, reject) => {
      const look = (): boolean => {
        const hit = received.find((s) => !consumed.has(s) && predicate(s));
        if (hit === undefined) return false;
        consumed.add(hit);
        resolve(hit);
        return true;
      };
      if (look()) return;
      const wake = () => {
        if (look()) done();
      };
      const t = setTimeout(() => {
        done();
        reject(new HarnessTimeoutError(`${jid}: no matching stanza within ${waitMs} ms (got ${received.length})`));
      }, waitMs);
      const done = () => {
        clearTimeout(t);
        waiters.delete(wake);
      };
      waiters.add(wake);
    });

  return {
    jid,
    bareJid: bare(jid),
    xmpp,
    received,
    send: (stanza) => xmpp.send(stanza),
    sendMessage: async (to, body, opts = {}) => {
      const id = opts.id ?? `h-${Math.random().toString(36).slice(2, 10)}`;
      await xmpp.send(xml("message", { to, type: opts.type ?? "chat", id }, xml("body", {}, body)));
      return id;
    },
    waitForStanza,
    waitForMessage: (opts = {}) =>
      waitForStanza((s) => {
        if (!s.is("message") || s.getChild("body") === undefined) return false;
        if (opts.from === undefined) return true;
        const from = String(s.attrs.from ?? "");
        return opts.from.includes("/") ? from === opts.from : bare(from) === opts.from;
      }, opts.timeoutMs),
    stop,
  };
}

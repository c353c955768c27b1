import { createServer, type Server, type Socket } from "node:net";
import type { XmlElement } from "@stox/events";
import { splitJid } from "../jid.js";
import type { RouteOutcome, StanzaRouter } from "../outbound.js";
import type { XmlGuardLimits } from "../xml/xml-guard.js";
import { InboundS2sSession } from "./inbound-s2s.js";
import { OutboundS2sStream, type S2sTlsOptions } from "./outbound-s2s.js";
import type { S2sResolver } from "./s2s-resolver.js";

export interface S2sNodeOptions {
  readonly localDomains: readonly string[];
  readonly host: string;
  /** 0 = any free port (tests). */
  readonly port: number;
  readonly resolver: S2sResolver;
  readonly limits: XmlGuardLimits;
  readonly keepAliveMs: number;
  /** Connect + negotiate + authenticate must finish within this. */
  readonly timeoutMs: number;
  readonly tls: S2sTlsOptions | undefined;
  readonly requireTls: boolean;
  readonly dialbackSecret: string;
  /** Most inbound s2s connections at once; more are refused at accept. */
  readonly maxInbound: number;
}

export interface S2sNodeEvents {
  onStanza(stanza: XmlElement, session: InboundS2sSession): void;
  onStreamClosed(direction: "in" | "out", peer: string | undefined, error: Error | undefined): void;
}

/**
 * The gateway as an XMPP server for its domains: an s2s listener for inbound streams and a pool of
 * outbound streams, one per (local domain, remote domain), opened on first use (RFC 6120 §10.4).
 */
export class S2sNode implements StanzaRouter {
  readonly #server: Server;
  readonly #sessions = new Set<InboundS2sSession>();
  readonly #outbound = new Map<string, OutboundS2sStream>();
  readonly #sockets = new Set<Socket>();

  constructor(
    readonly options: S2sNodeOptions,
    private readonly events: S2sNodeEvents,
  ) {
    this.#server = createServer((socket) => this.#accept(socket));
  }

  /** Listens; resolves with the bound port. */
  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.options.port, this.options.host, () => resolve());
    });
    const address = this.#server.address();
    return typeof address === "object" && address ? address.port : this.options.port;
  }

  isListening(): boolean {
    return this.#server.listening;
  }

  get inboundSessions(): readonly InboundS2sSession[] {
    return [...this.#sessions];
  }

  async stop(): Promise<void> {
    for (const s of this.#outbound.values()) s.close();
    for (const s of this.#sessions) s.transport.close();
    this.#outbound.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
  }

  async route(stanza: XmlElement): Promise<RouteOutcome> {
    const from = stanza.attrs.from ? splitJid(stanza.attrs.from) : undefined;
    const to = stanza.attrs.to ? splitJid(stanza.attrs.to) : undefined;
    if (!from || !to) return { ok: false, code: "bad-request", message: "stanza without from/to" };
    const stream = this.#streamTo(from.domain, to.domain);
    try {
      await stream.ready;
    } catch (err) {
      const message = err instanceof Error ? err.message : "s2s stream failed";
      return { ok: false, code: "unavailable", message };
    }
    if (!stream.send(stanza)) return { ok: false, code: "unavailable", message: `s2s stream to ${to.domain} closed` };
    return { ok: true, mode: "s2s" };
  }

  #streamTo(localDomain: string, remoteDomain: string): OutboundS2sStream {
    const key = `${localDomain} ${remoteDomain}`;
    const existing = this.#outbound.get(key);
    if (existing) return existing;
    const stream = new OutboundS2sStream({ ...this.#streamOptions(localDomain, remoteDomain) });
    this.#outbound.set(key, stream);
    stream.onClose((error) => {
      if (this.#outbound.get(key) === stream) this.#outbound.delete(key);
      this.events.onStreamClosed("out", remoteDomain, error);
    });
    stream.start().catch(() => undefined);
    return stream;
  }

  #streamOptions(localDomain: string, remoteDomain: string) {
    const o = this.options;
    return {
      localDomain,
      remoteDomain,
      resolver: o.resolver,
      limits: o.limits,
      keepAliveMs: o.keepAliveMs,
      timeoutMs: o.timeoutMs,
      tls: o.tls,
      requireTls: o.requireTls,
      dialbackSecret: o.dialbackSecret,
    };
  }

  async #verifyDialback(request: {
    localDomain: string;
    remoteDomain: string;
    streamId: string;
    key: string;
  }): Promise<boolean> {
    const stream = new OutboundS2sStream({
      ...this.#streamOptions(request.localDomain, request.remoteDomain),
      verify: { streamId: request.streamId, key: request.key },
    });
    try {
      await stream.start();
      return stream.verifyResult === true;
    } catch {
      return false;
    } finally {
      stream.close();
    }
  }

  #accept(socket: Socket): void {
    if (this.#sessions.size >= this.options.maxInbound) {
      // RFC 6120 §4.9.3.14 resource-constraint would need a stream header first; a full server just refuses.
      socket.destroy();
      this.events.onStreamClosed("in", undefined, new Error("too many inbound s2s connections"));
      return;
    }
    this.#sockets.add(socket);
    socket.once("close", () => this.#sockets.delete(socket));
    const o = this.options;
    const session = new InboundS2sSession(
      socket,
      {
        localDomains: o.localDomains,
        limits: o.limits,
        keepAliveMs: o.keepAliveMs,
        tls: o.tls,
        requireTls: o.requireTls,
        dialbackSecret: o.dialbackSecret,
        authTimeoutMs: o.timeoutMs,
        verifyDialback: (request) => this.#verifyDialback(request),
      },
      {
        onStanza: (stanza, s) => this.events.onStanza(stanza, s),
        onClose: (s, error) => {
          this.#sessions.delete(s);
          this.events.onStreamClosed("in", s.peer, error);
        },
      },
    );
    this.#sessions.add(session);
  }
}

import { connect } from "node:net";
import type { XmlElement } from "@stox/events";
import { escapeXML } from "@xmpp/xml";
import { type BackoffOptions, backoffDelayMs } from "../backoff.js";
import { NS } from "../xml/namespaces.js";
import { type StreamErrorCondition, XmppStreamError } from "../xml/stream-errors.js";
import { StreamTransport } from "../xml/stream-transport.js";
import { textOf } from "../xml/xml-element.js";
import type { XmlGuardLimits } from "../xml/xml-guard.js";
import { componentHandshake } from "./handshake.js";

export interface ComponentConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** The component's domain, e.g. sip.example.com (the server's `Component "..."`). */
  readonly domain: string;
  readonly secret: string;
  readonly limits: XmlGuardLimits;
  readonly keepAliveMs: number;
  readonly backoff: BackoffOptions;
  /** Give up on a connect + handshake that takes longer than this, then retry. */
  readonly handshakeTimeoutMs: number;
}

export interface ComponentConnectionEvents {
  onOnline(domain: string): void;
  onOffline(domain: string, error: Error | undefined): void;
  onStanza(stanza: XmlElement, domain: string): void;
}

type State = "idle" | "connecting" | "online" | "stopped";

/**
 * One XEP-0114 component stream to the XMPP server, kept up: connect, open the stream, answer with
 * hex(SHA-1(streamId + secret)), then pass stanzas through. On any loss it reconnects with exponential
 * backoff (reset after a successful handshake) until `stop()`.
 */
export class ComponentConnection {
  #state: State = "idle";
  #transport: StreamTransport | undefined;
  #attempt = 0;
  #retry: NodeJS.Timeout | undefined;
  #handshakeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly options: ComponentConnectionOptions,
    private readonly events: ComponentConnectionEvents,
  ) {}

  get isOnline(): boolean {
    return this.#state === "online";
  }

  get domain(): string {
    return this.options.domain;
  }

  start(): void {
    if (this.#state !== "idle") return;
    this.#connect();
  }

  /** Writes a stanza when the stream is up; false otherwise. */
  send(stanza: XmlElement): boolean {
    if (this.#state !== "online" || !this.#transport) return false;
    return this.#transport.send(stanza);
  }

  /** Backpressure: stop reading from the server while too much is in flight on the bus. */
  pause(): void {
    this.#transport?.pause();
  }

  resume(): void {
    this.#transport?.resume();
  }

  get isPaused(): boolean {
    return this.#transport?.isPaused ?? false;
  }

  /** Closes the current stream with a stream error (it reconnects afterwards). */
  failStream(condition: StreamErrorCondition, text: string): void {
    this.#transport?.fail(condition, text);
  }

  /** Closes the stream (`</stream:stream>`) and stops reconnecting. */
  async stop(): Promise<void> {
    const wasOnline = this.#state === "online";
    this.#state = "stopped";
    clearTimeout(this.#retry);
    clearTimeout(this.#handshakeTimer);
    const transport = this.#transport;
    if (!transport || transport.isClosed) return;
    const closed = new Promise<void>((resolve) => transport.socket.once("close", () => resolve()));
    if (wasOnline) transport.close();
    else transport.destroy();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2500))]);
  }

  #connect(): void {
    this.#state = "connecting";
    const socket = connect({ host: this.options.host, port: this.options.port });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    const transport = new StreamTransport(
      socket,
      { limits: this.options.limits, keepAliveMs: this.options.keepAliveMs },
      {
        onStreamStart: (attrs) => this.#onStreamStart(transport, attrs),
        onElement: (element) => this.#onElement(transport, element),
        onClose: (error) => this.#onClose(transport, error),
      },
    );
    this.#transport = transport;
    this.#handshakeTimer = setTimeout(
      () => transport.destroy(new XmppStreamError("connection-timeout", "component handshake timed out")),
      this.options.handshakeTimeoutMs,
    );
    socket.once("connect", () => {
      // XEP-0114 §3: the component opens the stream with the accept namespace and its domain as `to`.
      transport.writeRaw(
        `<?xml version='1.0'?><stream:stream xmlns='${NS.component}' xmlns:stream='${NS.stream}' to='${escapeXML(this.options.domain)}'>`,
      );
    });
  }

  #onStreamStart(transport: StreamTransport, attrs: Readonly<Record<string, string>>): void {
    const id = attrs.id;
    if (!id) {
      transport.fail("invalid-namespace", "stream header without id");
      return;
    }
    transport.writeRaw(`<handshake>${componentHandshake(id, this.options.secret)}</handshake>`);
  }

  #onElement(transport: StreamTransport, element: XmlElement): void {
    if (this.#state === "connecting") {
      if (element.name === "handshake" && textOf(element) === "") {
        clearTimeout(this.#handshakeTimer);
        this.#state = "online";
        this.#attempt = 0;
        this.events.onOnline(this.options.domain);
      } else {
        transport.fail("not-authorized", `unexpected <${element.name}> before the handshake`);
      }
      return;
    }
    this.events.onStanza(element, this.options.domain);
  }

  #onClose(transport: StreamTransport, error: Error | undefined): void {
    if (transport !== this.#transport) return;
    clearTimeout(this.#handshakeTimer);
    this.events.onOffline(this.options.domain, error);
    if (this.#state === "stopped") return;
    this.#state = "idle";
    const delay = backoffDelayMs(this.#attempt, this.options.backoff);
    this.#attempt += 1;
    this.#retry = setTimeout(() => {
      if (this.#state === "idle") this.#connect();
    }, delay);
  }
}

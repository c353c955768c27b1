import type { Socket } from "node:net";
import type { XmlElement } from "@stox/events";
import { escapeXML } from "@xmpp/xml";
import { NS } from "./namespaces.js";
import { type StreamErrorCondition, XmppRemoteStreamError, XmppStreamError } from "./stream-errors.js";
import { StreamParser } from "./stream-parser.js";
import { child, childElements, serialize, textOf } from "./xml-element.js";
import type { XmlGuardLimits } from "./xml-guard.js";

export interface StreamTransportEvents {
  onStreamStart(attrs: Readonly<Record<string, string>>): void;
  /** A top-level element other than `<stream:error>`. */
  onElement(element: XmlElement): void;
  /** The socket is gone. `error` says why when it was not an orderly close. */
  onClose(error: Error | undefined): void;
}

export interface StreamTransportOptions {
  readonly limits: XmlGuardLimits;
  /** Send a whitespace keep-alive after this long without writing (RFC 6120 §4.6.1). 0 = never. */
  readonly keepAliveMs: number;
}

/** Counts what crosses one socket, for metrics and tests. */
export interface TransportCounters {
  bytesIn: number;
  bytesOut: number;
}

/**
 * One XMPP stream over one socket, either direction: parses what arrives through the guarded parser, writes
 * serialized elements, sends whitespace keep-alives when idle, and closes with a stream error when the peer
 * breaks a rule. Stream restarts (after STARTTLS or SASL) swap in a fresh parser and, for TLS, a new socket.
 */
export class StreamTransport {
  #socket: Socket;
  #parser: StreamParser;
  #keepAlive: NodeJS.Timeout | undefined;
  #isClosed = false;
  #closeError: Error | undefined;
  readonly counters: TransportCounters = { bytesIn: 0, bytesOut: 0 };

  constructor(
    socket: Socket,
    private readonly options: StreamTransportOptions,
    private readonly events: StreamTransportEvents,
  ) {
    this.#socket = socket;
    this.#parser = this.#newParser();
    this.#attach(socket);
    this.#armKeepAlive();
  }

  /** The current socket, with this turn's corked writes flushed (callers wrap it in TLS or destroy it). */
  get socket(): Socket {
    this.#flush();
    return this.#socket;
  }

  /** Stops reading (TCP backpressure) until `resume()`; elements already parsed still arrive. */
  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  get isPaused(): boolean {
    return this.#socket.isPaused();
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Writes raw stream text (headers, the closing tag). */
  writeRaw(text: string): void {
    if (this.#isClosed) return;
    this.counters.bytesOut += Buffer.byteLength(text);
    // Stanzas written in one event-loop turn leave in one segment (one system call), not one each. The flush
    // runs in the check phase (setImmediate), after every datagram and socket read of this poll phase has
    // been handled, so a burst of SIP MESSAGEs becomes one write to the XMPP server; with nextTick each
    // incoming datagram would flush on its own.
    if (this.#corked === undefined) {
      const socket = this.#socket;
      this.#corked = socket;
      socket.cork();
      setImmediate(() => this.#uncork(socket));
    }
    this.#socket.write(text);
    this.#armKeepAlive();
  }

  /** The socket corked for this turn's writes, if any. */
  #corked: Socket | undefined;

  #flush(): void {
    if (this.#corked !== undefined) this.#uncork(this.#corked);
  }

  #uncork(socket: Socket): void {
    if (this.#corked !== socket) return;
    this.#corked = undefined;
    socket.uncork();
  }

  send(element: XmlElement): boolean {
    if (this.#isClosed) return false;
    this.writeRaw(serialize(element));
    return true;
  }

  /** Starts parsing a new stream on the same socket (RFC 6120 §4.3.3 stream restart). */
  restart(): void {
    this.#parser = this.#newParser();
  }

  /** Moves to a new socket (the TLS one after STARTTLS) and restarts the stream. */
  upgrade(socket: Socket): void {
    // What was written on the old socket this tick (e.g. <proceed/>) goes out before TLS takes over.
    this.#flush();
    this.#socket.removeAllListeners("data");
    this.#socket = socket;
    this.#attach(socket);
    this.restart();
  }

  /** Closes with `<stream:error>` (RFC 6120 §4.9.1.1), then the closing tag, then the socket. */
  fail(condition: StreamErrorCondition, text?: string): void {
    if (this.#isClosed) return;
    const textXml = text ? `<text xmlns='${NS.streams}'>${escapeXML(text)}</text>` : "";
    this.writeRaw(`<stream:error><${condition} xmlns='${NS.streams}'/>${textXml}</stream:error>`);
    this.close(new XmppStreamError(condition, text ?? condition));
  }

  /** Sends `</stream:stream>` and ends the socket. */
  close(error?: Error): void {
    if (this.#isClosed) return;
    this.writeRaw("</stream:stream>");
    this.#closeError ??= error;
    this.#socket.end();
    // A peer that never closes its side must not hold the socket forever (RFC 6120 §4.4).
    setTimeout(() => this.#socket.destroy(), 2000).unref();
    this.#finish();
  }

  /** Drops the socket without a closing handshake. */
  destroy(error?: Error): void {
    this.#closeError ??= error;
    this.#flush();
    this.#socket.destroy();
    this.#finish();
  }

  #newParser(): StreamParser {
    return new StreamParser(this.options.limits, {
      onStreamStart: (attrs) => this.events.onStreamStart(attrs),
      onElement: (element) => this.#onElement(element),
      onStreamEnd: () => this.close(),
    });
  }

  #onElement(element: XmlElement): void {
    if (element.name === "stream:error") {
      const condition = childElements(element).find((c) => c.attrs.xmlns === NS.streams && c.name !== "text");
      const text = child(element, "text", NS.streams);
      this.close(new XmppRemoteStreamError(condition?.name ?? "undefined-condition", text ? textOf(text) : undefined));
      return;
    }
    this.events.onElement(element);
  }

  #attach(socket: Socket): void {
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.once("close", () => this.#finish());
    socket.on("error", (err) => {
      this.#closeError ??= err;
    });
  }

  #onData(chunk: Buffer): void {
    if (this.#isClosed) return;
    this.counters.bytesIn += chunk.length;
    try {
      this.#parser.write(chunk);
    } catch (err) {
      if (err instanceof XmppStreamError) this.fail(err.condition, err.message);
      else this.fail("internal-server-error");
    }
  }

  #armKeepAlive(): void {
    if (this.options.keepAliveMs <= 0) return;
    // One timer per stream, pushed back on every write (refresh) rather than a new timer per stanza.
    if (this.#keepAlive === undefined) {
      this.#keepAlive = setTimeout(() => {
        this.#keepAlive = undefined;
        this.writeRaw(" ");
      }, this.options.keepAliveMs);
      this.#keepAlive.unref();
    } else {
      this.#keepAlive.refresh();
    }
  }

  #finish(): void {
    clearTimeout(this.#keepAlive);
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.events.onClose(this.#closeError);
  }
}

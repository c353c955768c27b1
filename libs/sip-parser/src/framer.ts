import { SipParseError } from "./errors.js";
import { headerKey } from "./header-names.js";

export interface FramerOptions {
  /** Largest message (head + body) accepted, in bytes; larger ones fail with status 513. Default 65535. */
  readonly maxMessageBytes?: number;
  /** Largest header section accepted while waiting for the empty line. Default 16384. */
  readonly maxHeaderBytes?: number;
  /**
   * RFC 5626 §4.4.1 keep-alives: a server receives CRLFCRLF pings, a client receives CRLF pongs.
   * Default "server".
   */
  readonly role?: "server" | "client";
}

export type FramerEvent =
  | { readonly type: "message"; readonly data: Buffer }
  /** A CRLFCRLF ping arrived between messages; a server answers with a single CRLF (RFC 5626 §4.4.1). */
  | { readonly type: "ping" }
  /** A CRLF pong arrived (client role). */
  | { readonly type: "pong" };

const CRLFCRLF = Buffer.from("\r\n\r\n");

/**
 * Cuts a TCP/TLS/WebSocket byte stream into SIP messages by Content-Length (RFC 3261 §18.3).
 * Feed it every chunk read; it returns the complete messages (and keep-alives) found so far.
 * A framing error (bad or conflicting Content-Length, oversize) throws `SipParseError`, after which
 * the framer refuses further input: the connection should be closed, as the stream cannot resync.
 * Oversize bodies are refused as soon as Content-Length is read, before they are buffered.
 */
export class SipStreamFramer {
  readonly #maxMessage: number;
  readonly #maxHeader: number;
  readonly #isClient: boolean;
  // One growable buffer holding the unread bytes in [#start, #end): appends are amortized O(1), so
  // a peer trickling one byte per read cannot make the framer copy its backlog again and again.
  #buf: Buffer = Buffer.allocUnsafe(0);
  #start = 0;
  #end = 0;
  /** Total length of the message being read once its head is known, else -1. */
  #expected = -1;
  /** Where to resume the CRLFCRLF search in the buffered head. */
  #searchFrom = 0;
  #failed: SipParseError | undefined;

  constructor(options: FramerOptions = {}) {
    this.#maxMessage = options.maxMessageBytes ?? 65535;
    this.#maxHeader = options.maxHeaderBytes ?? 16384;
    this.#isClient = options.role === "client";
  }

  /** Bytes held while waiting for the rest of a message. */
  get bufferedBytes(): number {
    return this.#end - this.#start;
  }

  push(chunk: Uint8Array): FramerEvent[] {
    if (this.#failed !== undefined) throw this.#failed;
    const events: FramerEvent[] = [];
    if (chunk.length === 0) return events;
    this.#append(chunk);
    try {
      while (this.#next(events)) {
        /* keep cutting */
      }
    } catch (e) {
      this.#failed = e instanceof SipParseError ? e : new SipParseError("framing failed", { cause: e });
      this.#buf = Buffer.allocUnsafe(0);
      this.#start = this.#end = 0;
      throw this.#failed;
    }
    return events;
  }

  #append(chunk: Uint8Array): void {
    const held = this.#end - this.#start;
    if (this.#end + chunk.length > this.#buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(held + chunk.length, 2 * this.#buf.length, 4096));
      this.#buf.copy(grown, 0, this.#start, this.#end);
      this.#buf = grown;
      this.#start = 0;
      this.#end = held;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  #joined(): Buffer {
    return this.#buf.subarray(this.#start, this.#end);
  }

  #consume(n: number): void {
    this.#start += n;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    this.#searchFrom = 0;
    this.#expected = -1;
  }

  /** Cuts one event off the front of the buffer; false when more bytes are needed. */
  #next(events: FramerEvent[]): boolean {
    const held = this.#end - this.#start;
    if (held === 0) return false;
    if (this.#expected >= 0) {
      if (held < this.#expected) return false;
      const buf = this.#joined();
      events.push({ type: "message", data: Buffer.from(buf.subarray(0, this.#expected)) });
      this.#consume(this.#expected);
      return true;
    }
    const buf = this.#joined();
    if (buf[0] === 13 || buf[0] === 10) return this.#keepAlive(buf, events);
    const headEnd = buf.indexOf(CRLFCRLF, this.#searchFrom);
    if (headEnd < 0) {
      if (buf.length > this.#maxHeader) {
        throw new SipParseError(`header section exceeds ${this.#maxHeader} bytes`, { status: 513, offset: buf.length });
      }
      this.#searchFrom = Math.max(0, buf.length - 3);
      return false;
    }
    if (headEnd + 4 > this.#maxHeader) {
      throw new SipParseError(`header section exceeds ${this.#maxHeader} bytes`, { status: 513, offset: headEnd });
    }
    const total = headEnd + 4 + contentLength(buf.toString("latin1", 0, headEnd + 2));
    if (total > this.#maxMessage) {
      throw new SipParseError(`message of ${total} bytes exceeds ${this.#maxMessage}`, { status: 513, offset: 0 });
    }
    this.#expected = total;
    return true;
  }

  #keepAlive(buf: Buffer, events: FramerEvent[]): boolean {
    if (buf[0] !== 13 || (buf.length > 1 && buf[1] !== 10)) {
      throw new SipParseError("bare CR or LF between messages", { offset: 0 });
    }
    if (buf.length < 2) return false;
    if (this.#isClient) {
      events.push({ type: "pong" });
      this.#consume(2);
      return true;
    }
    if (buf.length < 4) return false;
    if (buf[2] === 13 && buf[3] === 10) {
      events.push({ type: "ping" });
      this.#consume(4);
    } else this.#consume(2); // RFC 3261 §7.5: a stray CRLF before a start line is ignored
    return true;
  }
}

/**
 * Content-Length from a raw header section (RFC 3261 §18.3: mandatory on streams; treated as 0 when
 * missing). Non-numeric, negative or conflicting values are fatal (RFC 4475 §3.1.2.3, §3.3.9).
 */
function contentLength(head: string): number {
  let length = -1;
  const lines = head.split("\r\n");
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(":");
    if (colon <= 0 || line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) continue;
    if (headerKey(line.slice(0, colon).trim()) !== "content-length") continue;
    let value = line.slice(colon + 1);
    while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1] as string)) value += lines[++i];
    value = value.trim();
    if (!/^\d{1,10}$/.test(value)) throw new SipParseError(`bad Content-Length "${value.slice(0, 20)}"`);
    const n = Number(value);
    if (length >= 0 && n !== length) throw new SipParseError("conflicting Content-Length values");
    length = n;
  }
  return Math.max(length, 0);
}

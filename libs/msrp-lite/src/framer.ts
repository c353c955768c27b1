import { ByteQueue } from "./byte-queue.js";
import { endLinePrefix, findEndLine } from "./end-line.js";
import { MsrpParseError, type MsrpRequestContext } from "./errors.js";
import { type MsrpHead, PathCache, parseHead, parseStartLine, type StartLine } from "./head.js";
import { isIdent } from "./ident.js";
import type { EndFlag, MsrpMessage, MsrpRequest } from "./types.js";

/** Limits of one {@link MsrpFramer}; every byte it holds is bounded by them. */
export interface MsrpFramerOptions {
  /** Start line plus headers. Default 16384. */
  readonly maxHeaderBytes?: number;
  /**
   * Body of one SEND chunk. Default 4 MiB. RFC 4975 §7.1.1 (MSRP-CHUNK-07) lets a peer send one chunk as
   * large as the whole message, so set this to at least the advertised `a=max-size`.
   */
  readonly maxChunkBytes?: number;
}

/** One framed unit of the stream. */
export type MsrpFrame =
  | { readonly kind: "message"; readonly message: MsrpMessage; readonly byteLength: number }
  /** The frame was skipped; answer it per `error.statusCode` / `error.context` (see `buildErrorResponse`). */
  | { readonly kind: "rejected"; readonly error: MsrpParseError; readonly byteLength: number };

// RFC 4975 §7.1 (MSRP-FMT-07): bodies of non-SEND requests are never larger than 10240 octets.
const MAX_NON_SEND_BODY = 10240;
const MSRP_SP = Buffer.from("MSRP ", "latin1");
const CRLF = Buffer.from("\r\n", "latin1");
const CRLFCRLF = Buffer.from("\r\n\r\n", "latin1");
const utf8 = new TextDecoder("utf-8", { fatal: true });

type State =
  | { readonly name: "start" }
  | { readonly name: "head"; readonly start: StartLine; readonly lineEnd: number; readonly prefix: Buffer }
  | { readonly name: "body"; readonly head: MsrpHead; readonly bodyStart: number; readonly prefix: Buffer }
  | { readonly name: "discard"; readonly error: MsrpParseError; readonly prefix: Buffer };

/**
 * Incremental MSRP framer for one connection (RFC 4975 §7.1, MSRP-FMT-10). Feed it whatever the socket
 * delivers; it returns the frames completed by that read. A frame is found by its end-line
 * `CRLF -------<tid><flag> CRLF`, so content that merely looks like an end-line is not mistaken for one.
 * A malformed frame whose transaction id is known is skipped up to its end-line and reported as
 * `rejected`; bytes that cannot be framed at all throw a fatal {@link MsrpParseError}: close the connection.
 */
export class MsrpFramer {
  readonly #queue = new ByteQueue();
  #pathCache: PathCache | undefined;
  readonly #maxHeaderBytes: number;
  readonly #maxChunkBytes: number;
  #state: State = { name: "start" };
  #scan = 0;
  #consumed = 0;
  #fatal: MsrpParseError | undefined;

  constructor(options: MsrpFramerOptions = {}) {
    this.#maxHeaderBytes = options.maxHeaderBytes ?? 16384;
    this.#maxChunkBytes = options.maxChunkBytes ?? 4 * 1024 * 1024;
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.#queue.length;
  }

  /** True when no partial frame is pending (a clean place to close the connection). */
  get isIdle(): boolean {
    return this.#state.name === "start" && this.#queue.length === 0;
  }

  push(chunk: Uint8Array): MsrpFrame[] {
    if (this.#fatal) throw this.#fatal;
    this.#queue.append(chunk);
    const frames: MsrpFrame[] = [];
    try {
      while (this.#step(frames)) {
        // each step either completes a frame or changes state; it returns false when it needs more bytes
      }
    } catch (error) {
      if (error instanceof MsrpParseError && error.isFatal) this.#fatal = error;
      throw error;
    } finally {
      this.#queue.settle(); // the caller may reuse `chunk` once push returns
    }
    return frames;
  }

  #step(frames: MsrpFrame[]): boolean {
    switch (this.#state.name) {
      case "start":
        return this.#readStartLine();
      case "head":
        return this.#readHead(this.#state, frames);
      case "body":
        return this.#readBody(this.#state, frames);
      case "discard":
        return this.#discard(this.#state, frames);
    }
  }

  #fail(reason: string, offset: number): never {
    throw new MsrpParseError(reason, { isFatal: true, offset: this.#consumed + offset });
  }

  #readStartLine(): boolean {
    const view = this.#queue.view();
    if (view.length === 0) return false;
    const probe = Math.min(view.length, MSRP_SP.length);
    if (view.compare(MSRP_SP, 0, probe, 0, probe) !== 0) this.#fail("stream does not start with 'MSRP '", 0);
    const lineEnd = view.indexOf(CRLF, this.#scan);
    if (lineEnd < 0) {
      if (view.length > this.#maxHeaderBytes) this.#fail("start line longer than maxHeaderBytes", 0);
      this.#scan = Math.max(0, view.length - 1);
      return false;
    }
    const line = this.#decode(view, 0, lineEnd);
    const start = line === undefined ? "start line is not UTF-8" : parseStartLine(line);
    this.#scan = lineEnd;
    if (typeof start === "string") {
      // With a readable transaction id the frame can still be skipped to its end-line.
      const transactionId = /^MSRP ([^ ]+) /.exec(line ?? "")?.[1];
      if (transactionId === undefined || !isIdent(transactionId)) this.#fail(start, 0);
      const error = new MsrpParseError(start, { offset: this.#consumed, context: { transactionId } });
      this.#state = { name: "discard", error, prefix: endLinePrefix(transactionId) };
      return true;
    }
    this.#state = { name: "head", start, lineEnd, prefix: endLinePrefix(start.transactionId) };
    return true;
  }

  #readHead(state: State & { name: "head" }, frames: MsrpFrame[]): boolean {
    const view = this.#queue.view();
    const end = findEndLine(view, state.prefix, this.#scan);
    const blank = view.indexOf(CRLFCRLF, Math.max(state.lineEnd, this.#scan));
    const endsBeforeBody = end.found && (blank < 0 || end.at < blank);
    if (!endsBeforeBody && blank < 0) {
      if (view.length > this.#maxHeaderBytes) {
        this.#toDiscard(state.prefix, this.#headError(state, "header block longer than maxHeaderBytes"));
        return true;
      }
      this.#scan = Math.max(state.lineEnd, Math.min(end.found ? end.at : end.resumeFrom, view.length - 3));
      return false;
    }
    const headEnd = endsBeforeBody ? end.at : blank;
    if (headEnd > this.#maxHeaderBytes) {
      this.#toDiscard(state.prefix, this.#headError(state, "header block longer than maxHeaderBytes"));
      return true;
    }
    if (end.found && end.at === blank + 2) {
      // A blank line directly followed by the end-line: neither a bodiless request nor `data CRLF`.
      this.#emitRejected(frames, this.#headError(state, "blank line before end-line"), end.at);
      return true;
    }
    const head = this.#parseHead(state, view, headEnd, !endsBeforeBody);
    if (head instanceof MsrpParseError) {
      this.#toDiscard(state.prefix, head);
      return true;
    }
    if (endsBeforeBody && end.found) {
      this.#emitHead(frames, head, undefined, end.at, end.flag);
      return true;
    }
    this.#state = { name: "body", head, bodyStart: blank + 4, prefix: state.prefix };
    this.#scan = blank + 4;
    return true;
  }

  #parseHead(
    state: State & { name: "head" },
    view: Buffer,
    headEnd: number,
    hasBody: boolean,
  ): MsrpHead | MsrpParseError {
    const text = headEnd > state.lineEnd ? this.#decode(view, state.lineEnd + 2, headEnd) : "";
    if (text === undefined) return this.#headError(state, "header block is not UTF-8");
    try {
      this.#pathCache ??= new PathCache();
      return parseHead(state.start, text === "" ? [] : text.split("\r\n"), hasBody, this.#consumed, this.#pathCache);
    } catch (error) {
      if (error instanceof MsrpParseError) return error;
      throw error;
    }
  }

  #readBody(state: State & { name: "body" }, frames: MsrpFrame[]): boolean {
    const view = this.#queue.view();
    const limit = this.#bodyLimit(state.head);
    const end = findEndLine(view, state.prefix, Math.max(state.bodyStart, this.#scan));
    if (!end.found) {
      if (view.length - state.bodyStart > limit + state.prefix.length + 3) {
        this.#toDiscard(state.prefix, this.#tooLarge(state.head, limit));
        return true;
      }
      this.#scan = end.resumeFrom;
      return false;
    }
    if (end.at - state.bodyStart > limit) {
      this.#emitRejected(frames, this.#tooLarge(state.head, limit), end.at);
      return true;
    }
    const body = new Uint8Array(end.at - state.bodyStart);
    body.set(view.subarray(state.bodyStart, end.at));
    this.#emitHead(frames, state.head, body, end.at, end.flag);
    return true;
  }

  #discard(state: State & { name: "discard" }, frames: MsrpFrame[]): boolean {
    const view = this.#queue.view();
    const end = findEndLine(view, state.prefix, this.#scan);
    if (end.found) {
      this.#emitRejected(frames, state.error, end.at);
      return true;
    }
    // Keep only the tail that may hold the start of the end-line: memory stays bounded.
    this.#consumed += end.resumeFrom;
    this.#queue.consume(end.resumeFrom);
    this.#scan = 0;
    return false;
  }

  #bodyLimit(head: MsrpHead): number {
    return head.kind === "request" && head.method !== "SEND"
      ? Math.min(MAX_NON_SEND_BODY, this.#maxChunkBytes)
      : this.#maxChunkBytes;
  }

  #tooLarge(head: MsrpHead, limit: number): MsrpParseError {
    return new MsrpParseError(`body larger than ${limit} bytes`, {
      statusCode: 413,
      offset: this.#consumed,
      context: contextOf(head),
    });
  }

  #headError(state: State & { name: "head" }, reason: string): MsrpParseError {
    const { start } = state;
    const context = {
      transactionId: start.transactionId,
      ...(start.kind === "request" ? { method: start.method } : {}),
    };
    return new MsrpParseError(reason, { offset: this.#consumed, context });
  }

  #toDiscard(prefix: Buffer, error: MsrpParseError): void {
    this.#state = { name: "discard", error, prefix };
  }

  #emitHead(frames: MsrpFrame[], head: MsrpHead, body: Uint8Array | undefined, endAt: number, flag: EndFlag): void {
    const byteLength = this.#frameLength(endAt);
    if (head.kind === "response") {
      if (flag !== "$") {
        // RFC 4975 §7.2: responses always end with `$`.
        this.#emitRejected(
          frames,
          new MsrpParseError("response end-line flag must be $", { offset: this.#consumed }),
          endAt,
        );
        return;
      }
      frames.push({ kind: "message", message: head, byteLength });
    } else {
      // The head object is fresh from parseHead and owned by this frame: complete it in place.
      const message = head as { -readonly [K in keyof MsrpRequest]: MsrpRequest[K] };
      if (body) message.body = body;
      message.endFlag = flag;
      frames.push({ kind: "message", message, byteLength });
    }
    this.#advance(byteLength);
  }

  #emitRejected(frames: MsrpFrame[], error: MsrpParseError, endAt: number): void {
    const byteLength = this.#frameLength(endAt);
    frames.push({ kind: "rejected", error, byteLength });
    this.#advance(byteLength);
  }

  #frameLength(endAt: number): number {
    const prefix = this.#state.name === "start" ? 0 : this.#state.prefix.length;
    return endAt + prefix + 3; // flag + CRLF
  }

  #advance(byteLength: number): void {
    this.#queue.consume(byteLength);
    this.#consumed += byteLength;
    this.#state = { name: "start" };
    this.#scan = 0;
  }

  #decode(view: Buffer, from: number, to: number): string | undefined {
    try {
      return utf8.decode(view.subarray(from, to));
    } catch {
      return undefined;
    }
  }
}

function contextOf(head: MsrpHead): MsrpRequestContext {
  const base = {
    transactionId: head.transactionId,
    toPath: head.toPath,
    fromPath: head.fromPath,
  };
  if (head.kind === "response") return base;
  return {
    ...base,
    method: head.method,
    ...(head.failureReport !== undefined ? { failureReport: head.failureReport } : {}),
    ...(head.messageId !== undefined ? { messageId: head.messageId } : {}),
  };
}

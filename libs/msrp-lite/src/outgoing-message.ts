import { endLinePrefix, formatEndLine } from "./end-line.js";
import { MsrpMessageTooLargeError, MsrpSerializeError } from "./errors.js";
import { newMessageId, newTransactionId } from "./ident.js";
import { serializeMsrpHead } from "./serialize.js";
import type { FailureReport, MsrpHeader, MsrpRequest, MsrpUri, SuccessReport } from "./types.js";

/** RFC 4975 §7.1.1 (MSRP-CHUNK-04): chunks above this size must be interruptible (range-end `*`). */
export const MAX_UNINTERRUPTIBLE_CHUNK_BYTES = 2048;

export interface OutgoingMessageOptions {
  /** The peer's path (`a=path`), leftmost = next hop. */
  readonly toPath: readonly MsrpUri[];
  /** Our own URI(s). */
  readonly fromPath: readonly MsrpUri[];
  /** Content-Type of the whole message; wrap CPIM first, then chunk (MSRP-SEND-03). */
  readonly contentType: string;
  readonly body: Uint8Array;
  /** Default: a fresh random Message-ID (MSRP-SEND-01). Keep the old one when resending. */
  readonly messageId?: string;
  readonly successReport?: SuccessReport;
  readonly failureReport?: FailureReport;
  readonly mimeHeaders?: readonly MsrpHeader[];
  readonly extensionHeaders?: readonly MsrpHeader[];
  /** The peer's `a=max-size`; a larger body throws {@link MsrpMessageTooLargeError} (MSRP-SEND-05). */
  readonly peerMaxBytes?: number;
  /** Transaction id source; default {@link newTransactionId}. */
  readonly newTransactionId?: () => string;
}

/**
 * One message being sent as SEND chunks (RFC 4975 §7.1.1). The edge pulls chunks with {@link next},
 * choosing each chunk's size when it gets its turn on the connection, so several sessions can share one
 * connection fairly (MSRP-CHUNK-06). Chunks go out in Byte-Range order (MSRP-CHUNK-03) with the same
 * Message-ID and report headers (MSRP-SEND-02).
 */
export class OutgoingMessage {
  readonly messageId: string;
  readonly totalBytes: number;
  readonly #options: OutgoingMessageOptions;
  readonly #newTransactionId: () => string;
  #sentBytes = 0;
  #isStreaming = false;
  #state: "sending" | "done" | "aborted" = "sending";

  constructor(options: OutgoingMessageOptions) {
    if (options.peerMaxBytes !== undefined && options.body.length > options.peerMaxBytes) {
      throw new MsrpMessageTooLargeError(
        `message of ${options.body.length} bytes exceeds the peer's max-size ${options.peerMaxBytes}`,
        options.messageId,
        options.peerMaxBytes,
      );
    }
    this.#options = options;
    this.messageId = options.messageId ?? newMessageId();
    this.totalBytes = options.body.length;
    this.#newTransactionId = options.newTransactionId ?? newTransactionId;
  }

  get sentBytes(): number {
    return this.#sentBytes;
  }

  /** True once the `$` chunk (or the `#` abort) has been produced. */
  get isFinished(): boolean {
    return this.#state !== "sending";
  }

  get isAborted(): boolean {
    return this.#state === "aborted";
  }

  /**
   * The next chunk carrying at most `maxBytes` body bytes, or undefined when finished. A chunk larger than
   * 2048 bytes gets range-end `*` (MSRP-CHUNK-02, MSRP-CHUNK-04).
   */
  next(maxBytes = MAX_UNINTERRUPTIBLE_CHUNK_BYTES): MsrpRequest | undefined {
    if (this.#isStreaming) throw new RangeError("finish the streamed chunk first");
    if (this.#state !== "sending") return undefined;
    if (!(maxBytes >= 1)) throw new RangeError("maxBytes must be at least 1");
    const { body } = this.#options;
    const start = this.#sentBytes;
    const length = Math.min(Math.floor(maxBytes), body.length - start);
    const chunk = body.subarray(start, start + length);
    const isLast = start + length === body.length;
    this.#sentBytes += length;
    if (isLast) this.#state = "done";
    const end = length > MAX_UNINTERRUPTIBLE_CHUNK_BYTES ? "*" : start + length;
    return this.#request(chunk, { start: start + 1, end, total: this.totalBytes }, isLast ? "$" : "+");
  }

  /**
   * Starts a chunk the edge writes progressively and may interrupt (RFC 4975 §7.1.1, MSRP-CHUNK-05/06):
   * write `head`, then any prefix of `body`, then `finish(bytesWritten)`. Its range-end is `*`, so it may be
   * cut at any byte; the flag is `$` only when the message's last byte went out. Undefined when finished.
   */
  startChunk(maxBytes = Number.POSITIVE_INFINITY): StreamingChunk | undefined {
    if (this.#isStreaming) throw new RangeError("finish the streamed chunk first");
    if (this.#state !== "sending") return undefined;
    const { body } = this.#options;
    const start = this.#sentBytes;
    const slice = body.subarray(start, start + Math.min(maxBytes, body.length - start));
    const request = this.#request(slice, { start: start + 1, end: "*", total: this.totalBytes }, "+");
    this.#isStreaming = true;
    let isFinished = false;
    return {
      transactionId: request.transactionId,
      head: Buffer.from(serializeMsrpHead(request), "utf8"),
      body: slice,
      finish: (bytesWritten: number, options?: { readonly abort?: boolean }) => {
        if (isFinished) throw new RangeError("chunk already finished");
        if (!(bytesWritten >= 0 && bytesWritten <= slice.length)) throw new RangeError("bytesWritten out of range");
        isFinished = true;
        this.#isStreaming = false;
        this.#sentBytes += Math.floor(bytesWritten);
        const isLast = this.#sentBytes === body.length;
        // MSRP-CHUNK-08: `#` gives the message up; otherwise `$` only after its last byte.
        const flag = options?.abort ? "#" : isLast ? "$" : "+";
        if (flag !== "+") this.#state = flag === "#" ? "aborted" : "done";
        return Buffer.from(`\r\n${formatEndLine(request.transactionId, flag)}`, "latin1");
      },
    };
  }

  /**
   * Gives the message up (MSRP-CHUNK-08, e.g. after a 413): returns an empty SEND ending in `#` at the next
   * byte position, or undefined when the message already finished.
   */
  abort(): MsrpRequest | undefined {
    if (this.#isStreaming) throw new RangeError("finish the streamed chunk with { abort: true } instead");
    if (this.#state !== "sending") return undefined;
    this.#state = "aborted";
    const start = this.#sentBytes + 1;
    return this.#request(new Uint8Array(0), { start, end: "*", total: this.totalBytes }, "#");
  }

  #request(chunk: Uint8Array, byteRange: MsrpRequest["byteRange"], endFlag: "$" | "+" | "#"): MsrpRequest {
    const o = this.#options;
    return {
      kind: "request",
      transactionId: this.#pickTransactionId(chunk),
      method: "SEND",
      toPath: o.toPath,
      fromPath: o.fromPath,
      messageId: this.messageId,
      ...(byteRange !== undefined ? { byteRange } : {}),
      ...(o.successReport !== undefined ? { successReport: o.successReport } : {}),
      ...(o.failureReport !== undefined ? { failureReport: o.failureReport } : {}),
      extensionHeaders: o.extensionHeaders ?? [],
      mimeHeaders: o.mimeHeaders ?? [],
      contentType: o.contentType,
      body: chunk,
      endFlag,
    };
  }

  // MSRP-FMT-06: a transaction id whose end-line appears in the chunk is replaced by another.
  #pickTransactionId(chunk: Uint8Array): string {
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let attempt = 0; attempt < 32; attempt++) {
      const id = this.#newTransactionId();
      if (view.indexOf(endLinePrefix(id).subarray(2)) < 0) return id;
    }
    throw new MsrpSerializeError("every transaction id tried occurs as an end-line inside the chunk");
  }
}

/** A chunk being streamed by the edge; see {@link OutgoingMessage.startChunk}. */
export interface StreamingChunk {
  readonly transactionId: string;
  /** Start line and headers through the blank line. */
  readonly head: Uint8Array;
  /** The bytes this chunk may carry; write any prefix of them. */
  readonly body: Uint8Array;
  /**
   * Records how many body bytes were written and returns the end-line bytes (leading CRLF included):
   * `$` when the message is complete, `#` with `abort`, otherwise `+` (resume with the next chunk).
   */
  finish(bytesWritten: number, options?: { readonly abort?: boolean }): Uint8Array;
}

/** Splits a whole message into SEND chunks of at most `chunkBytes` (default 2048) body bytes. */
export function chunkMessage(options: OutgoingMessageOptions & { readonly chunkBytes?: number }): MsrpRequest[] {
  const message = new OutgoingMessage(options);
  const chunks: MsrpRequest[] = [];
  for (let c = message.next(options.chunkBytes); c !== undefined; c = message.next(options.chunkBytes)) chunks.push(c);
  return chunks;
}

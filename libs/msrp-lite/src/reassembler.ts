import { MsrpMessageTooLargeError, MsrpReassemblyError } from "./errors.js";
import { RangeSet } from "./range-set.js";
import type { MsrpHeader, MsrpRequest } from "./types.js";

export interface MessageReassemblerOptions {
  /** Largest complete message accepted; advertise it as `a=max-size`. Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /** Messages being reassembled at once. Default 16. */
  readonly maxPendingMessages?: number;
  /** A partial message with no new chunk for this long is dropped by {@link MessageReassembler.expire}. Default 540 s (RFC 7701 §6.1 suggests minutes). */
  readonly chunkTimeoutMs?: number;
  /** How many completed Message-IDs are remembered to flag duplicates (MSRP-RECV-07). Default 256. */
  readonly duplicateWindow?: number;
  /** Clock in ms; inject a fake one in tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** A whole message, put together from its chunks. */
export interface ReassembledMessage {
  readonly messageId: string;
  readonly contentType: string;
  readonly mimeHeaders: readonly MsrpHeader[];
  readonly body: Uint8Array;
  /** The request that completed it (for responses and reports). */
  readonly lastChunk: MsrpRequest;
}

export type ReassemblyResult =
  /**
   * `isDuplicate`: a message with this Message-ID was already completed recently (e.g. resent after the
   * session was re-created). RFC 4975 §5.4 (MSRP-RECV-07): answer it as usual, but do not present it again
   * without a warning.
   */
  | { readonly status: "complete"; readonly message: ReassembledMessage; readonly isDuplicate: boolean }
  | {
      readonly status: "partial";
      readonly messageId: string;
      readonly receivedBytes: number;
      readonly totalBytes?: number;
    }
  /** The sender gave the message up with `#` (RFC 4975 §7.1); its bytes are discarded. */
  | { readonly status: "aborted"; readonly messageId: string; readonly receivedBytes: number };

interface Pending {
  buffer: Uint8Array;
  readonly ranges: RangeSet;
  totalBytes: number | undefined;
  contentType: string;
  mimeHeaders: readonly MsrpHeader[];
  lastActivityMs: number;
}

const EMPTY = new Uint8Array(0);
const INITIAL_BUFFER_BYTES = 64 * 1024;

/**
 * Reassembles SEND chunks into messages by Message-ID and Byte-Range (RFC 4975 §7.3.1): chunks may arrive
 * out of order and interleaved with other messages' chunks, the `$` chunk may come before the `+` chunks,
 * interrupted chunks may be shorter than their range says, and overlapping bytes are overwritten by the
 * latest chunk (MSRP-RECV-02..04). Memory is bounded by `maxMessageBytes * maxPendingMessages`.
 * One reassembler per session: Message-IDs are only unique within a session.
 */
export class MessageReassembler {
  readonly #pending = new Map<string, Pending>();
  readonly #maxMessageBytes: number;
  readonly #maxPending: number;
  readonly #chunkTimeoutMs: number;
  readonly #now: () => number;
  readonly #completed = new Set<string>();
  readonly #duplicateWindow: number;

  constructor(options: MessageReassemblerOptions = {}) {
    this.#maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
    this.#maxPending = options.maxPendingMessages ?? 16;
    this.#chunkTimeoutMs = options.chunkTimeoutMs ?? 540_000;
    this.#now = options.now ?? Date.now;
    this.#duplicateWindow = options.duplicateWindow ?? 256;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Bytes held in buffers of partial messages. */
  get bufferedBytes(): number {
    let n = 0;
    for (const p of this.#pending.values()) n += p.buffer.length;
    return n;
  }

  /**
   * Takes one SEND. Throws {@link MsrpMessageTooLargeError} (answer 413) or {@link MsrpReassemblyError}
   * (answer 400); either way the message's state is dropped.
   */
  accept(request: MsrpRequest): ReassemblyResult {
    const messageId = request.messageId;
    if (request.method !== "SEND" || messageId === undefined) {
      throw new MsrpReassemblyError("only SEND requests with a Message-ID carry message chunks", messageId);
    }
    try {
      return this.#accept(request, messageId);
    } catch (error) {
      this.#pending.delete(messageId);
      throw error;
    }
  }

  #accept(request: MsrpRequest, messageId: string): ReassemblyResult {
    const body = request.body ?? EMPTY;
    const range = request.byteRange ?? { start: 1, end: body.length, total: body.length };
    const offset = range.start - 1;
    const chunkEnd = offset + body.length;
    // MSRP-RECV-03: the payload gives the real length; a longer payload than the range says is an error.
    if (range.end !== "*" && chunkEnd > range.end) {
      throw new MsrpReassemblyError(`chunk carries more bytes than Byte-Range ${range.start}-${range.end}`, messageId);
    }
    const declaredTotal = typeof range.total === "number" ? range.total : undefined;
    this.#checkSize(messageId, Math.max(chunkEnd, declaredTotal ?? 0));
    let pending = this.#pending.get(messageId);
    if (request.endFlag === "#") {
      this.#pending.delete(messageId);
      return { status: "aborted", messageId, receivedBytes: pending?.ranges.size ?? 0 };
    }
    // MSRP-RECV-02: no Byte-Range or range-start 1, ending in `$`: a complete message in one request.
    if (pending === undefined && offset === 0 && request.endFlag === "$") {
      const message = complete(messageId, request.contentType, request.mimeHeaders, body, request);
      return { status: "complete", message, isDuplicate: this.#remember(messageId) };
    }
    if (pending === undefined) {
      if (this.#pending.size >= this.#maxPending) {
        throw new MsrpReassemblyError(`more than ${this.#maxPending} messages in reassembly`, messageId);
      }
      pending = {
        // Grow towards the declared total instead of trusting it up front (MSRP-RECV-10).
        buffer: new Uint8Array(Math.max(chunkEnd, Math.min(declaredTotal ?? 4096, INITIAL_BUFFER_BYTES))),
        ranges: new RangeSet(),
        totalBytes: undefined,
        contentType: request.contentType ?? "",
        mimeHeaders: request.mimeHeaders,
        lastActivityMs: this.#now(),
      };
      this.#pending.set(messageId, pending);
    }
    this.#write(pending, messageId, offset, body);
    // MSRP-RECV-03: the `$` chunk fixes the total length (it wins over a declared total that disagrees).
    if (request.endFlag === "$") pending.totalBytes = chunkEnd;
    if (offset === 0 && request.contentType !== undefined) {
      pending.contentType = request.contentType;
      pending.mimeHeaders = request.mimeHeaders;
    }
    const total = pending.totalBytes;
    if (total !== undefined && pending.ranges.end > total) {
      throw new MsrpReassemblyError(`bytes received beyond the final byte ${total}`, messageId);
    }
    if (total !== undefined && pending.ranges.coversPrefix(total)) {
      this.#pending.delete(messageId);
      const body = pending.buffer.subarray(0, total);
      const message = complete(messageId, pending.contentType, pending.mimeHeaders, body, request);
      return { status: "complete", message, isDuplicate: this.#remember(messageId) };
    }
    return {
      status: "partial",
      messageId,
      receivedBytes: pending.ranges.size,
      ...((total ?? declaredTotal) !== undefined ? { totalBytes: (total ?? declaredTotal) as number } : {}),
    };
  }

  /** Records a completed Message-ID; true when it had been completed before. */
  #remember(messageId: string): boolean {
    const isDuplicate = this.#completed.has(messageId);
    this.#completed.delete(messageId);
    this.#completed.add(messageId);
    if (this.#completed.size > this.#duplicateWindow) {
      const oldest = this.#completed.values().next().value;
      if (oldest !== undefined) this.#completed.delete(oldest);
    }
    return isDuplicate;
  }

  #checkSize(messageId: string, bytes: number): void {
    if (bytes > this.#maxMessageBytes) {
      throw new MsrpMessageTooLargeError(
        `message ${messageId} needs ${bytes} bytes, limit is ${this.#maxMessageBytes}`,
        messageId,
        this.#maxMessageBytes,
      );
    }
  }

  #write(pending: Pending, messageId: string, offset: number, body: Uint8Array): void {
    const needed = offset + body.length;
    if (needed > pending.buffer.length) {
      this.#checkSize(messageId, needed);
      const grown = new Uint8Array(Math.min(this.#maxMessageBytes, Math.max(needed, pending.buffer.length * 2)));
      grown.set(pending.buffer);
      pending.buffer = grown;
    }
    pending.buffer.set(body, offset); // MSRP-RECV-04: on overlap the latest bytes win
    pending.ranges.add(offset, needed);
    pending.lastActivityMs = this.#now();
  }

  /** Drops partial messages idle longer than the chunk timeout; returns their Message-IDs. */
  expire(): string[] {
    const cutoff = this.#now() - this.#chunkTimeoutMs;
    const dropped: string[] = [];
    for (const [id, p] of this.#pending) {
      if (p.lastActivityMs <= cutoff) {
        this.#pending.delete(id);
        dropped.push(id);
      }
    }
    return dropped;
  }

  /** Forgets one message (e.g. after answering its chunk with an error). */
  drop(messageId: string): boolean {
    return this.#pending.delete(messageId);
  }
}

function complete(
  messageId: string,
  contentType: string | undefined,
  mimeHeaders: readonly MsrpHeader[],
  body: Uint8Array,
  lastChunk: MsrpRequest,
): ReassembledMessage {
  return { messageId, contentType: contentType ?? "", mimeHeaders, body, lastChunk };
}

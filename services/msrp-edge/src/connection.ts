import type { Socket } from "node:net";
import {
  type MsrpFrame,
  MsrpFramer,
  type MsrpMessage,
  MsrpParseError,
  type MsrpRequest,
  serializeMsrpMessage,
  type TimerApi,
  type TransactionOutcome,
  TransactionTracker,
} from "@stox/msrp-lite";

export interface ConnectionLimits {
  readonly maxHeaderBytes: number;
  readonly maxChunkBytes: number;
  readonly transactionTimeoutMs: number;
}

export interface ConnectionEvents {
  /** A frame read off the wire (requests, rejected frames; responses are consumed by the tracker first). */
  onFrame(connection: MsrpConnection, frame: MsrpFrame): void;
  /** The connection is gone, for whatever reason; `error` when it was closed for a fault. */
  onClose(connection: MsrpConnection, error?: Error): void;
}

let nextConnectionId = 1;

/** Inbound messages waiting for a mapper's answer before the connection stops reading (back-pressure). */
const MAX_IN_FLIGHT = 256;

/**
 * One TCP or TLS connection carrying any number of MSRP sessions (RFC 4975 §5.4): a framer for what comes
 * in, a transaction tracker for what goes out, and the set of sessions bound to it.
 */
export class MsrpConnection {
  readonly id = nextConnectionId++;
  readonly isSecure: boolean;
  /** `scheme://host:port` for connections we opened (reuse key, MSRP-CONN-01). */
  readonly authority: string | undefined;
  readonly sessions = new Set<string>();
  readonly openedAtMs: number;
  readonly #socket: Socket;
  readonly #framer: MsrpFramer;
  readonly #tracker: TransactionTracker;
  readonly #events: ConnectionEvents;
  #isClosed = false;
  #inFlight = 0;

  constructor(options: {
    socket: Socket;
    isSecure: boolean;
    authority?: string;
    limits: ConnectionLimits;
    timers?: TimerApi;
    nowMs: number;
    events: ConnectionEvents;
  }) {
    this.#socket = options.socket;
    this.isSecure = options.isSecure;
    this.authority = options.authority;
    this.openedAtMs = options.nowMs;
    this.#events = options.events;
    this.#framer = new MsrpFramer({
      maxHeaderBytes: options.limits.maxHeaderBytes,
      maxChunkBytes: options.limits.maxChunkBytes,
    });
    this.#tracker = new TransactionTracker({
      timeoutMs: options.limits.transactionTimeoutMs,
      ...(options.timers ? { timers: options.timers } : {}),
    });
    this.#socket.setNoDelay(true);
    this.#socket.on("data", (bytes: Buffer) => this.#onData(bytes));
    this.#socket.on("error", (error) => this.close(error));
    this.#socket.on("close", () => this.close());
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  get remoteAddress(): string {
    return `${this.#socket.remoteAddress ?? "?"}:${this.#socket.remotePort ?? 0}`;
  }

  /** Writes one message; resolves once the socket has room again (back-pressure). */
  write(message: MsrpMessage): Promise<void> {
    return this.writeBytes(serializeMsrpMessage(message));
  }

  writeBytes(bytes: Uint8Array): Promise<void> {
    if (this.#isClosed) return Promise.resolve();
    if (this.#socket.write(bytes)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.#socket.off("drain", done);
        this.#socket.off("close", done);
        resolve();
      };
      this.#socket.once("drain", done);
      this.#socket.once("close", done);
    });
  }

  /** Sends a request and resolves with its outcome (30 s timer from the last byte, msrp.md §15 note 3). */
  async request(request: MsrpRequest): Promise<TransactionOutcome> {
    if (this.#isClosed) return { kind: "closed" };
    const outcome = this.#tracker.track(request);
    await this.write(request);
    return outcome;
  }

  /** Sends a request without waiting for its outcome; returns the outcome promise. */
  track(request: MsrpRequest): Promise<TransactionOutcome> {
    return this.#tracker.track(request);
  }

  /** A message from this connection is with a mapper; reading pauses while too many are. */
  beginWork(): void {
    this.#inFlight++;
    if (this.#inFlight === MAX_IN_FLIGHT) this.#socket.pause();
  }

  endWork(): void {
    this.#inFlight--;
    if (this.#inFlight === MAX_IN_FLIGHT - 1 && !this.#isClosed) this.#socket.resume();
  }

  close(error?: Error): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#tracker.closeAll(); // MSRP-CONN-05: nothing pending on this connection will be answered
    this.#socket.destroy();
    this.#events.onClose(this, error);
  }

  #onData(bytes: Buffer): void {
    if (this.#isClosed) return;
    let frames: MsrpFrame[];
    try {
      frames = this.#framer.push(bytes);
    } catch (error) {
      // A fatal parse error: the stream cannot be resynchronised, so only this connection goes.
      this.close(error instanceof MsrpParseError ? error : new Error("framing failed", { cause: error }));
      return;
    }
    for (const frame of frames) {
      if (this.#isClosed) return;
      if (frame.kind === "message" && frame.message.kind === "response") {
        this.#tracker.handleResponse(frame.message); // unknown transactions are ignored
        continue;
      }
      this.#events.onFrame(this, frame);
    }
  }
}

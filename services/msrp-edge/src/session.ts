import { MessageReassembler, type MsrpResponse, type MsrpUri } from "@stox/msrp-lite";
import type { MsrpConnection } from "./connection.js";

/** What we know of the peer from its SDP. */
export interface RemoteEndpoint {
  readonly path: readonly MsrpUri[];
  readonly acceptTypes?: readonly string[];
  readonly acceptWrappedTypes?: readonly string[];
  readonly maxSize?: number;
}

export interface SessionInit {
  readonly handle: string;
  readonly owner: string;
  readonly context?: Readonly<Record<string, string>>;
  readonly localUri: MsrpUri;
  readonly acceptTypes: readonly string[];
  readonly acceptWrappedTypes: readonly string[];
  readonly maxSize: number;
  readonly maxPendingMessages: number;
  readonly nowMs: () => number;
}

// Bounded memories per session: sizes of received messages (for REPORT byte ranges) and ids of sent
// messages (REPORTs for unknown Message-IDs are ignored, RFC 4975 §7.3.2 / MSRP-RECV-08).
const REMEMBERED_IDS = 256;

/** One MSRP session: our URI, the peer's path, the connection it is bound to, reassembly state. */
export class MsrpSession {
  readonly handle: string;
  readonly owner: string;
  readonly context: Readonly<Record<string, string>> | undefined;
  readonly localUri: MsrpUri;
  readonly acceptTypes: readonly string[];
  readonly acceptWrappedTypes: readonly string[];
  readonly maxSize: number;
  readonly reassembler: MessageReassembler;
  remote: RemoteEndpoint | undefined;
  /** True when we open the connection and send first; undefined until the SDP exchange says. */
  isActive: boolean | undefined;
  connection: MsrpConnection | undefined;
  lastActivityMs: number;
  readonly #sent = new Set<string>();
  readonly #received = new Map<string, number>();
  /** Bare media types the peer answered 415 to (RFC 4975 §10.6). */
  readonly refusedTypes = new Set<string>();
  /** Messages being sent, by Message-ID: fail one when a failure REPORT names it (RFC 4975 §7.3.2). */
  readonly sending = new Map<string, (response: MsrpResponse) => void>();
  isEnded = false;
  /** Reassembly bytes last counted against the edge's buffer budget. */
  bufferedBytes = 0;
  /** Bodies of `send` events still unanswered, fetchable by reference. */
  readonly bodies = new Map<string, Uint8Array>();
  #waiters: ((connection: MsrpConnection | undefined) => void)[] = [];

  constructor(init: SessionInit) {
    this.handle = init.handle;
    this.owner = init.owner;
    this.context = init.context;
    this.localUri = init.localUri;
    this.acceptTypes = init.acceptTypes;
    this.acceptWrappedTypes = init.acceptWrappedTypes;
    this.maxSize = init.maxSize;
    this.lastActivityMs = init.nowMs();
    // One reassembler per session: Message-IDs are unique only within a session.
    this.reassembler = new MessageReassembler({
      maxMessageBytes: init.maxSize,
      maxPendingMessages: init.maxPendingMessages,
      now: init.nowMs,
    });
  }

  bind(connection: MsrpConnection): void {
    this.connection = connection;
    connection.sessions.add(this.handle);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w(connection);
  }

  /** Resolves with the bound connection, or undefined when the session ends first. */
  whenBound(): Promise<MsrpConnection | undefined> {
    if (this.connection) return Promise.resolve(this.connection);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Called when the session ends: releases anyone waiting for a connection. */
  end(): void {
    this.isEnded = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w(undefined);
    this.bodies.clear();
    this.connection?.sessions.delete(this.handle);
  }

  rememberSent(messageId: string): void {
    remember(this.#sent, messageId);
  }

  hasSent(messageId: string): boolean {
    return this.#sent.has(messageId);
  }

  rememberReceived(messageId: string, bytes: number): void {
    this.#received.delete(messageId);
    this.#received.set(messageId, bytes);
    if (this.#received.size > REMEMBERED_IDS) {
      const oldest = this.#received.keys().next().value;
      if (oldest !== undefined) this.#received.delete(oldest);
    }
  }

  receivedBytes(messageId: string): number | undefined {
    return this.#received.get(messageId);
  }
}

function remember(set: Set<string>, id: string): void {
  set.delete(id);
  set.add(id);
  if (set.size > REMEMBERED_IDS) {
    const oldest = set.values().next().value;
    if (oldest !== undefined) set.delete(oldest);
  }
}

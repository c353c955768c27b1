import { randomBytes } from "node:crypto";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { Bus } from "@stox/bus";
import { msrpInSubject, msrpSessionClosedCodec, newEventId, nowIso } from "@stox/events";
import {
  MsrpParseError,
  type MsrpRequest,
  type MsrpUri,
  newLocalMsrpUri,
  newMessageId,
  newTransactionId,
  type TimerApi,
} from "@stox/msrp-lite";
import { BufferBudget } from "./buffer-budget.js";
import type { MsrpEdgeConfig } from "./config.js";
import { MsrpConnection } from "./connection.js";
import {
  type CloseReason,
  type EdgeContext,
  type EdgeErrorListener,
  type EdgeObserver,
  NO_OBSERVER,
} from "./edge-context.js";
import { MsrpConnectError } from "./errors.js";
import { handleFrame } from "./inbound.js";
import type { MsrpSession } from "./session.js";
import { SessionTable } from "./session-table.js";
import { authorityOf, dial, listen } from "./sockets.js";

export interface MsrpEdgeOptions {
  readonly config: MsrpEdgeConfig;
  readonly bus: Bus;
  /** Timers for transactions, idle sweeps and connect timeouts; inject fakes in tests. */
  readonly timers?: TimerApi;
  readonly now?: () => number;
  readonly onError?: EdgeErrorListener;
  /** Counts responses, deliveries and closed connections (metrics). */
  readonly observer?: EdgeObserver;
  /** Session-id source for our URIs (tests use it to replay RFC examples); default 20 random characters. */
  readonly newSessionId?: () => string;
}

const realTimers: TimerApi = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The MSRP edge: TCP and TLS listeners, outgoing connections (reused per authority, MSRP-CONN-01), the
 * session table, and the glue between wire traffic and the bus. Bus subjects are wired in bus-handlers.ts.
 */
export class MsrpEdge implements EdgeContext {
  readonly config: MsrpEdgeConfig;
  readonly bus: Bus;
  readonly timers: TimerApi;
  readonly sessions: SessionTable;
  readonly observer: EdgeObserver;
  readonly budget: BufferBudget;
  readonly #now: () => number;
  readonly #onError: EdgeErrorListener;
  readonly #connections = new Set<MsrpConnection>();
  readonly #outgoing = new Map<string, Promise<MsrpConnection>>();
  readonly #servers: Server[] = [];
  #tcpPort = 0;
  #tlsPort: number | undefined;
  #sweep: unknown;
  #isStopped = false;

  private constructor(options: MsrpEdgeOptions) {
    this.config = options.config;
    this.bus = options.bus;
    this.timers = options.timers ?? realTimers;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => {});
    this.observer = options.observer ?? NO_OBSERVER;
    this.budget = new BufferBudget(this.config.maxBufferedBytes);
    const newSessionId = options.newSessionId;
    this.sessions = new SessionTable({
      config: this.config,
      now: this.#now,
      localUri: (isSecure) => {
        const uri = newLocalMsrpUri({ host: this.config.publicHost, port: this.localPort(isSecure), isSecure });
        return newSessionId ? { ...uri, sessionId: newSessionId() } : uri;
      },
    });
  }

  /** Binds the listeners and starts the idle sweep. */
  static async start(options: MsrpEdgeOptions): Promise<MsrpEdge> {
    const edge = new MsrpEdge(options);
    const { config } = edge;
    const tcp = createTcpServer((socket) => edge.#accept(socket, false));
    edge.#tcpPort = await listen(tcp, config.tcpPort, config.bindHost);
    edge.#servers.push(tcp);
    if (config.tls) {
      const tls = createTlsServer({ cert: config.tls.cert, key: config.tls.key }, (socket) =>
        edge.#accept(socket, true),
      );
      tls.on("tlsClientError", (error) => edge.#onError(error, { where: "tls-handshake" }));
      edge.#tlsPort = await listen(tls, config.tls.port, config.bindHost);
      edge.#servers.push(tls);
    }
    edge.#scheduleSweep();
    return edge;
  }

  now(): number {
    return this.#now();
  }

  /** The port written into our URIs (the bound port of the TCP or TLS listener). */
  localPort(isSecure: boolean): number {
    if (!isSecure) return this.#tcpPort;
    if (this.#tlsPort === undefined) throw new MsrpConnectError("TLS is not configured", "msrps");
    return this.#tlsPort;
  }

  get hasTls(): boolean {
    return this.#tlsPort !== undefined;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  sessionByLocalKey(key: string): MsrpSession | undefined {
    return this.sessions.byLocalKey(key);
  }

  reportError: EdgeErrorListener = (error, context) => this.#onError(error, context);

  async connectionFor(session: MsrpSession): Promise<MsrpConnection> {
    if (session.connection && !session.connection.isClosed) return session.connection;
    if (session.isActive === true) return this.connect(session);
    // Passive: the peer connects and binds with its first SEND (MSRP-CONN-04); wait for it a while.
    let handle: unknown;
    const timeout = new Promise<undefined>((resolve) => {
      handle = this.timers.setTimeout(() => resolve(undefined), this.config.bindTimeoutMs);
    });
    const connection = await Promise.race([session.whenBound(), timeout]);
    this.timers.clearTimeout(handle);
    if (connection === undefined || connection.isClosed) {
      throw new MsrpConnectError("the peer has not connected for this session", "passive");
    }
    return connection;
  }

  /**
   * Active side: reuse or open the connection to the first hop of the peer's path, bind the session and
   * send the bodiless SEND that binds it at the peer (RFC 4975 §5.4, MSRP-CONN-01/03).
   */
  async connect(session: MsrpSession): Promise<MsrpConnection> {
    const first = session.remote?.path[0];
    if (first === undefined) throw new MsrpConnectError("no peer path", "none");
    const authority = authorityOf(first);
    let pending = this.#outgoing.get(authority);
    const reusable = pending ? await pending.catch(() => undefined) : undefined;
    if (!reusable || reusable.isClosed || reusable.sessions.size >= this.config.maxSessionsPerConnection) {
      pending = this.#open(first, authority);
      this.#outgoing.set(authority, pending);
    }
    const connection = await (pending as Promise<MsrpConnection>).catch((error: unknown) => {
      this.#outgoing.delete(authority);
      throw error;
    });
    if (session.connection === connection) return connection;
    session.bind(connection);
    const bindSend: MsrpRequest = {
      kind: "request",
      transactionId: newTransactionId(),
      method: "SEND",
      toPath: session.remote?.path ?? [],
      fromPath: [session.localUri],
      messageId: newMessageId(),
      byteRange: { start: 1, end: 0, total: 0 },
      extensionHeaders: [],
      mimeHeaders: [],
      endFlag: "$",
    };
    connection
      .request(bindSend)
      .then((outcome) => {
        // MSRP-RESP-06: 481 means the peer does not know the session.
        if (outcome.kind === "response" && outcome.response.statusCode === 481) {
          this.closeSession(session, "peer-gone", "peer answered 481 to the binding SEND");
        }
      })
      .catch((error: unknown) => this.#onError(asError(error), { where: "bind-send" }));
    return connection;
  }

  async #open(target: MsrpUri, authority: string): Promise<MsrpConnection> {
    if (this.#connections.size >= this.config.maxConnections) {
      throw new MsrpConnectError("connection limit reached", authority);
    }
    const socket = await dial(target, authority, this.config, this.timers);
    return this.#adopt(socket, target.scheme === "msrps", authority);
  }

  #accept(socket: Socket, isSecure: boolean): void {
    if (this.#isStopped || this.#connections.size >= this.config.maxConnections) {
      socket.destroy();
      return;
    }
    this.#adopt(socket, isSecure);
  }

  #adopt(socket: Socket, isSecure: boolean, authority?: string): MsrpConnection {
    const connection = new MsrpConnection({
      socket,
      isSecure,
      ...(authority !== undefined ? { authority } : {}),
      limits: this.config,
      timers: this.timers,
      nowMs: this.#now(),
      events: {
        onFrame: (c, frame) => {
          try {
            handleFrame(this, c, frame);
          } catch (error) {
            this.#onError(asError(error), { where: "inbound" });
            c.close(asError(error));
          }
        },
        onClose: (c, error) => this.#onClosed(c, error),
      },
    });
    this.#connections.add(connection);
    return connection;
  }

  #onClosed(connection: MsrpConnection, error?: Error): void {
    this.#connections.delete(connection);
    this.observer.connectionClosed(error instanceof MsrpParseError);
    if (error) this.#onError(error, { where: "connection", remote: connection.remoteAddress });
    if (connection.authority !== undefined) {
      const pending = this.#outgoing.get(connection.authority);
      pending?.then((c) => c === connection && this.#outgoing.delete(connection.authority ?? "")).catch(() => {});
    }
    // MSRP-CONN-05: every session on a failed connection has failed.
    for (const handle of [...connection.sessions]) {
      const session = this.sessions.get(handle);
      if (session) this.closeSession(session, "connection-lost", error?.message);
    }
  }

  closeSession(session: MsrpSession, reason: CloseReason, detail?: string): void {
    if (!this.sessions.remove(session)) return;
    const connection = session.connection;
    session.end();
    this.budget.release(session);
    // MSRP-CONN-06 (derived): a connection without sessions is closed.
    if (connection && connection.sessions.size === 0 && !connection.isClosed) connection.close();
    const event = msrpSessionClosedCodec.encode({
      v: 1,
      id: newEventId(),
      at: nowIso(),
      session: session.handle,
      edge: this.config.instanceId,
      ...(session.context ? { context: { ...session.context } } : {}),
      reason,
      ...(detail !== undefined ? { detail: detail.slice(0, 512) } : {}),
    });
    try {
      this.bus.publish(msrpInSubject(session.owner, "closed"), event);
    } catch (error) {
      this.#onError(asError(error), { where: "publish-closed" });
    }
  }

  #scheduleSweep(): void {
    const every = Math.max(50, Math.min(5000, this.config.idleTimeoutMs / 4, this.config.bindTimeoutMs / 4));
    this.#sweep = this.timers.setTimeout(() => {
      this.sweep();
      if (!this.#isStopped) this.#scheduleSweep();
    }, every);
  }

  /** Closes idle sessions, drops stalled partial messages, and closes connections that never bound. */
  sweep(): void {
    const now = this.#now();
    for (const session of this.sessions.all()) {
      if (now - session.lastActivityMs >= this.config.idleTimeoutMs) this.closeSession(session, "idle");
      else {
        session.reassembler.expire();
        this.budget.settle(session);
      }
    }
    for (const connection of this.#connections) {
      if (connection.sessions.size === 0 && now - connection.openedAtMs >= this.config.bindTimeoutMs)
        connection.close();
    }
  }

  async stop(): Promise<void> {
    if (this.#isStopped) return;
    this.#isStopped = true;
    this.timers.clearTimeout(this.#sweep);
    for (const session of this.sessions.all()) this.closeSession(session, "shutdown");
    for (const connection of [...this.#connections]) connection.close();
    await Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Opaque session handles (not the MSRP session-id, which is a secret: MSRP-TLS-05). */
export function newSessionHandle(): string {
  return randomBytes(12).toString("base64url");
}

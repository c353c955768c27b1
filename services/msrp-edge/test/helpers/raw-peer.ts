// A bare MSRP peer for tests: raw bytes out, frames in (parsed with @stox/msrp-lite's framer).
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { createServer as createTlsServer, connect as tlsConnect } from "node:tls";
import { buildResponse, type MsrpFrame, MsrpFramer, type MsrpRequest, serializeMsrpMessage } from "@stox/msrp-lite";

export class RawPeer {
  readonly frames: MsrpFrame[] = [];
  /** Every byte received, in order. */
  readonly received: Buffer[] = [];
  readonly closed: Promise<void>;
  readonly #socket: Socket;
  readonly #framer = new MsrpFramer({ maxChunkBytes: 8 * 1024 * 1024 });
  #waiters: (() => void)[] = [];
  #isClosed = false;

  constructor(socket: Socket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    void this.closed.then(() => {
      this.#isClosed = true;
      this.#wake();
    });
    socket.on("error", () => {});
    socket.on("data", (bytes: Buffer) => {
      this.received.push(bytes);
      this.frames.push(...this.#framer.push(bytes));
      this.#wake();
    });
  }

  static async connect(port: number, tls?: { ca: string }): Promise<RawPeer> {
    const socket = tls
      ? tlsConnect({ host: "127.0.0.1", port, ca: tls.ca, servername: "localhost" })
      : tcpConnect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      socket.once(tls ? "secureConnect" : "connect", () => resolve());
      socket.once("error", reject);
    });
    return new RawPeer(socket);
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  write(data: string | Uint8Array): void {
    this.#socket.write(typeof data === "string" ? Buffer.from(data, "utf8") : data);
  }

  /** Answers a request with a transaction response. */
  respond(request: MsrpRequest, status: number): void {
    this.write(serializeMsrpMessage(buildResponse(request, status)));
  }

  /** The first frame (in arrival order) matching `match`; removed from `frames`. */
  async next(match: (frame: MsrpFrame) => boolean = () => true, timeoutMs = 5000): Promise<MsrpFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex(match);
      if (index >= 0) return this.frames.splice(index, 1)[0] as MsrpFrame;
      if (this.#isClosed) throw new Error("peer connection closed while waiting for a frame");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("no matching MSRP frame arrived");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next request with `method` (and optionally a predicate). */
  async request(method: string, match: (r: MsrpRequest) => boolean = () => true): Promise<MsrpRequest> {
    const frame = await this.next(
      (f) => f.kind === "message" && f.message.kind === "request" && f.message.method === method && match(f.message),
    );
    return (frame as { message: MsrpRequest }).message;
  }

  /** The response to transaction `transactionId`; its status code. */
  async status(transactionId: string): Promise<number> {
    const frame = await this.next(
      (f) => f.kind === "message" && f.message.kind === "response" && f.message.transactionId === transactionId,
    );
    return frame.kind === "message" && frame.message.kind === "response" ? frame.message.statusCode : -1;
  }

  close(): void {
    this.#socket.destroy();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

/** A listening peer for sessions where the edge is the active side. */
export class PeerServer {
  readonly peers: RawPeer[] = [];
  readonly #server: Server;
  #waiters: (() => void)[] = [];

  private constructor(server: Server, event: string) {
    this.#server = server;
    server.on(event, (socket: Socket) => {
      this.peers.push(new RawPeer(socket));
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static async start(tls?: { cert: string; key: string }): Promise<PeerServer> {
    const server = tls ? createTlsServer({ cert: tls.cert, key: tls.key }) : createServer();
    server.on("tlsClientError", () => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    return new PeerServer(server, tls ? "secureConnection" : "connection");
  }

  get port(): number {
    const a = this.#server.address();
    return typeof a === "object" && a ? a.port : 0;
  }

  async nextPeer(index: number, timeoutMs = 5000): Promise<RawPeer> {
    const deadline = Date.now() + timeoutMs;
    while (this.peers[index] === undefined) {
      if (Date.now() > deadline) throw new Error("the edge did not connect");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.peers[index] as RawPeer;
  }

  async stop(): Promise<void> {
    for (const p of this.peers) p.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

// A minimal XEP-0114 server side for unit tests of the component stream (no Prosody needed): accepts
// connections, opens the stream with an id, checks the handshake, records what arrives and lets the test
// write raw XML or drop connections.
import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import type { XmlElement } from "@stox/events";
import { isValidHandshake } from "../../src/component/handshake.js";
import { StreamParser } from "../../src/xml/stream-parser.js";
import { textOf } from "../../src/xml/xml-element.js";

export interface FakeSession {
  readonly socket: Socket;
  readonly received: XmlElement[];
  /** Everything the component wrote, as text. */
  raw: string;
  isAuthenticated: boolean;
  write(xml: string): void;
}

export class FakeComponentServer {
  readonly sessions: FakeSession[] = [];
  #server: Server;
  #waiters: (() => void)[] = [];

  private constructor(
    server: Server,
    readonly port: number,
  ) {
    this.#server = server;
  }

  static async start(secret: string): Promise<FakeComponentServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (!address || typeof address === "string") throw new Error("no port");
    const fake = new FakeComponentServer(server, address.port);
    server.on("connection", (socket) => fake.#accept(socket, secret));
    return fake;
  }

  /** Resolves when `predicate` holds; re-checked after every event on any session. */
  async until<T>(predicate: () => T | undefined | false, what = "condition"): Promise<T> {
    for (let i = 0; i < 5000; i++) {
      const value = predicate();
      if (value) return value;
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 20).unref();
      });
    }
    throw new Error(`fake server: timed out waiting for ${what}`);
  }

  get current(): FakeSession | undefined {
    return this.sessions.at(-1);
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  #accept(socket: Socket, secret: string): void {
    const id = randomUUID();
    const session: FakeSession = {
      socket,
      received: [],
      raw: "",
      isAuthenticated: false,
      write: (xml) => {
        if (!socket.destroyed) socket.write(xml);
      },
    };
    this.sessions.push(session);
    const parser = new StreamParser(
      { maxStanzaBytes: 1_000_000, maxDepth: 100 },
      {
        onStreamStart: () =>
          session.write(
            `<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' id='${id}'>`,
          ),
        onElement: (element) => {
          if (!session.isAuthenticated && element.name === "handshake") {
            if (isValidHandshake(id, secret, textOf(element))) {
              session.isAuthenticated = true;
              session.write("<handshake/>");
            } else {
              session.write(
                "<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>",
              );
              socket.end();
            }
          } else {
            session.received.push(element);
          }
          this.#notify();
        },
        onStreamEnd: () => {
          socket.end();
          this.#notify();
        },
      },
    );
    socket.on("data", (chunk) => {
      session.raw += chunk.toString();
      try {
        parser.write(chunk);
      } catch {
        socket.destroy();
      }
      this.#notify();
    });
    socket.on("close", () => this.#notify());
    socket.on("error", () => {});
    this.#notify();
  }
}

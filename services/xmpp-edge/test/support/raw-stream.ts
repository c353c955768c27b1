// A raw XMPP stream for tests: writes whatever the test says, parses what comes back.
import { connect, type Socket } from "node:net";
import type { XmlElement } from "@stox/events";
import { StreamParser } from "../../src/xml/stream-parser.js";

export class RawStream {
  readonly elements: XmlElement[] = [];
  header: Record<string, string> | undefined;
  text = "";
  isClosed = false;
  #parser: StreamParser;

  private constructor(readonly socket: Socket) {
    this.#parser = this.#newParser();
    socket.on("data", (chunk) => {
      this.text += chunk.toString();
      try {
        this.#parser.write(chunk);
      } catch {
        // the test looks at `text`
      }
    });
    socket.on("close", () => {
      this.isClosed = true;
    });
    socket.on("error", () => {});
  }

  static async open(port: number): Promise<RawStream> {
    const socket = connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("error", reject);
    });
    return new RawStream(socket);
  }

  write(xml: string): void {
    this.socket.write(xml);
  }

  async until<T>(predicate: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`raw stream: no ${what}; got ${this.text.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  #newParser(): StreamParser {
    return new StreamParser(
      { maxStanzaBytes: 1_000_000, maxDepth: 100 },
      {
        onStreamStart: (attrs) => {
          this.header = { ...attrs };
        },
        onElement: (e) => this.elements.push(e),
        onStreamEnd: () => {},
      },
    );
  }
}

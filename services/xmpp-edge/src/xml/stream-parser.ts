import type { XmlElement } from "@stox/events";
import SaxLtx from "ltx/lib/parsers/ltx.js";
import { XmppStreamError } from "./stream-errors.js";
import { XmlGuard, type XmlGuardLimits } from "./xml-guard.js";

/** What a stream parser reports, in order. */
export interface StreamParserHandlers {
  /** The `<stream:stream>` header (RFC 6120 §4.7): its attributes, namespace declarations included. */
  onStreamStart(attrs: Readonly<Record<string, string>>): void;
  /** One complete top-level element (a stanza, or a stream-level element such as `<handshake/>`). */
  onElement(element: XmlElement): void;
  /** `</stream:stream>`. */
  onStreamEnd(): void;
}

interface Building {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: (XmlElement | string)[];
}

/**
 * Incremental XMPP stream parser: bytes in, top-level elements out as lossless `XmlElement` trees. The guard
 * checks every byte first (size, depth, restricted XML); ltx (the tokenizer inside @xmpp/xml) does the rest.
 * Text between stanzas (whitespace keep-alives) is dropped rather than kept on the root, so a long-lived
 * stream holds nothing but the stanza being built. `write` throws XmppStreamError; the stream is then dead.
 */
export class StreamParser {
  readonly #guard: XmlGuard;
  readonly #sax = new SaxLtx();
  readonly #decoder = new TextDecoder("utf-8", { fatal: true });
  /** Checked bytes not yet given to ltx (the tail after the last complete tag); bounded by the guard. */
  #pending: Uint8Array = new Uint8Array(0);
  readonly #stack: Building[] = [];
  #hasRoot = false;
  #failure: XmppStreamError | undefined;

  constructor(
    limits: XmlGuardLimits,
    private readonly handlers: StreamParserHandlers,
  ) {
    this.#guard = new XmlGuard(limits);
    this.#sax.on("startElement", (name: string, attrs: Record<string, string>) => this.#start(name, attrs));
    this.#sax.on("endElement", (name: string) => this.#end(name));
    this.#sax.on("text", (text: string) => this.#text(text));
  }

  write(chunk: Uint8Array): void {
    if (this.#failure) throw this.#failure;
    try {
      const boundary = this.#guard.check(chunk);
      const joined = this.#pending.length === 0 ? chunk : concat(this.#pending, chunk);
      if (boundary < 0) {
        this.#pending = joined.slice();
        return;
      }
      const cut = joined.length - (chunk.length - boundary);
      // The cut is just after a '>', so no UTF-8 sequence is split.
      this.#sax.write(this.#decoder.decode(joined.subarray(0, cut)));
      this.#pending = joined.slice(cut);
    } catch (err) {
      this.#failure =
        err instanceof XmppStreamError
          ? err
          : new XmppStreamError("not-well-formed", err instanceof Error ? err.message : "malformed XML", {
              cause: err,
            });
      throw this.#failure;
    }
  }

  #start(name: string, attrs: Record<string, string>): void {
    if (!this.#hasRoot) {
      this.#hasRoot = true;
      this.handlers.onStreamStart({ ...attrs });
      return;
    }
    const node: Building = { name, attrs: { ...attrs }, children: [] };
    this.#stack.at(-1)?.children.push(node);
    this.#stack.push(node);
  }

  #end(name: string): void {
    const node = this.#stack.pop();
    if (!node) {
      this.handlers.onStreamEnd();
      return;
    }
    if (node.name !== name) throw new XmppStreamError("not-well-formed", `</${name}> closes <${node.name}>`);
    if (this.#stack.length === 0) this.handlers.onElement(node);
  }

  #text(text: string): void {
    const top = this.#stack.at(-1);
    if (!top) {
      if (this.#hasRoot && text.trim() !== "") throw new XmppStreamError("not-well-formed", "text between stanzas");
      return;
    }
    const last = top.children.at(-1);
    if (typeof last === "string") top.children[top.children.length - 1] = last + text;
    else top.children.push(text);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

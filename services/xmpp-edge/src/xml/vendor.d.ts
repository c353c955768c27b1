// Types for the two untyped modules the edge uses: ltx's SAX tokenizer (the parser inside @xmpp/xml) and
// @xmpp/xml's element builder for serialization.
declare module "ltx/lib/parsers/ltx.js" {
  import type { EventEmitter } from "node:events";

  class SaxLtx extends EventEmitter {
    write(data: string): void;
    end(data?: string): void;
  }
  export = SaxLtx;
}

declare module "@xmpp/xml" {
  export interface Element {
    name: string;
    attrs: Record<string, string>;
    children: (Element | string)[];
    toString(): string;
  }
  export function createElement(
    name: string,
    attrs?: Record<string, string> | null,
    ...children: (Element | string)[]
  ): Element;
  export class Parser {
    on(event: "element" | "start" | "end" | "error", listener: (element: Element) => void): this;
    write(data: string): void;
  }
  export function escapeXML(s: string): string;
  export function escapeXMLText(s: string): string;
}

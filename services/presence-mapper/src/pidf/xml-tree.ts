import { SaxesParser, type SaxesTagNS } from "saxes";
import { PidfParseError } from "../errors.js";

export const XML_NS = "http://www.w3.org/XML/1998/namespace";

/** A namespace-resolved element: names are (namespace URI, local name), as XML Namespaces define them. */
export interface NsElement {
  readonly uri: string;
  readonly local: string;
  /** Attributes keyed `local` (no namespace) or `{uri}local`. */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly (NsElement | string)[];
}

export interface XmlLimits {
  readonly maxChars: number;
  readonly maxDepth: number;
  readonly maxElements: number;
}

interface Building {
  readonly uri: string;
  readonly local: string;
  readonly attrs: Record<string, string>;
  readonly children: (NsElement | string)[];
}

function fail(message: string, cause?: unknown): never {
  throw new PidfParseError(message, cause === undefined ? undefined : { cause });
}

/**
 * Parses one XML document with saxes (a conforming, namespace-aware parser), refusing what a presence body
 * never needs: a DOCTYPE (and with it every entity declaration), processing instructions, and entity
 * references other than the five predefined ones (saxes rejects those itself when no DTD is allowed).
 * Bounded by `limits` so a hostile NOTIFY cannot make the mapper build a huge tree.
 */
export function parseXmlTree(text: string, limits: XmlLimits): NsElement {
  if (text.length > limits.maxChars) fail(`document longer than ${limits.maxChars} characters`);
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: Building[] = [];
  let root: NsElement | undefined;
  let elements = 0;
  parser.on("doctype", () => fail("DTDs are not accepted in presence documents"));
  parser.on("processinginstruction", () => fail("processing instructions are not accepted"));
  parser.on("opentag", (tag) => {
    elements += 1;
    if (elements > limits.maxElements) fail(`more than ${limits.maxElements} elements`);
    if (stack.length >= limits.maxDepth) fail(`nesting deeper than ${limits.maxDepth}`);
    stack.push(toBuilding(tag as SaxesTagNS));
  });
  parser.on("closetag", () => {
    const done = stack.pop();
    if (!done) return;
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(done);
    else root = done;
  });
  parser.on("text", (t) => stack[stack.length - 1]?.children.push(t));
  parser.on("cdata", (t) => stack[stack.length - 1]?.children.push(t));
  parser.on("error", (err) => fail(`not well-formed XML: ${err.message}`, err));
  parser.write(text).close();
  if (!root) fail("no root element");
  return root;
}

function toBuilding(tag: SaxesTagNS): Building {
  const attrs: Record<string, string> = {};
  for (const a of Object.values(tag.attributes)) {
    if (a.prefix === "xmlns" || a.name === "xmlns") continue;
    attrs[a.uri ? `{${a.uri}}${a.local}` : a.local] = a.value;
  }
  return { uri: tag.uri, local: tag.local, attrs, children: [] };
}

/** The element children with this namespace and local name. */
export function childrenNamed(el: NsElement, uri: string, local: string): NsElement[] {
  return el.children.filter((c): c is NsElement => typeof c !== "string" && c.uri === uri && c.local === local);
}

export function childElements(el: NsElement): NsElement[] {
  return el.children.filter((c): c is NsElement => typeof c !== "string");
}

/** Concatenated text content of the element's direct text children, trimmed. */
export function textOf(el: NsElement): string {
  return el.children
    .filter((c): c is string => typeof c === "string")
    .join("")
    .trim();
}

/** Escapes text for element content and attribute values (both quote kinds). */
export function escapeXml(text: string): string {
  let out = "";
  for (const ch of text) {
    if (ch === "&") out += "&amp;";
    else if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if (ch === '"') out += "&quot;";
    else if (ch === "'") out += "&apos;";
    else out += ch;
  }
  return out;
}

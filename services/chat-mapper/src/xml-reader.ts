import type { XmlElement } from "@stox/events";

/** A SIP body that should be XML (RFC 3994 isComposing, RFC 5438 IMDN) is not well-formed. */
export class XmlBodyError extends Error {
  override readonly name = "XmlBodyError";
  readonly code = "STOX_CHAT_XML_BODY";
}

const ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    const named = ENTITIES[ref];
    if (named === undefined) throw new XmlBodyError(`unknown entity ${whole}`);
    return named;
  });
}

const TOKEN =
  /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/gy;
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * Reads a small XML document (no DTD) into an element tree. Enough for the fixed, tiny documents of
 * RFC 3994 and RFC 5438; throws {@link XmlBodyError} on anything not well-formed.
 */
export function readXml(text: string): XmlElement {
  const stack: { name: string; attrs: Record<string, string>; children: (XmlElement | string)[] }[] = [];
  let root: XmlElement | undefined;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const m = TOKEN.exec(text);
    if (m === null) throw new XmlBodyError(`not well-formed XML at offset ${TOKEN.lastIndex}`);
    const [, cdata, closing, name, rawAttrs, selfClosing, chars] = m;
    const top = stack[stack.length - 1];
    if (chars !== undefined || cdata !== undefined) {
      const value = cdata ?? decodeEntities(chars as string);
      if (top) top.children.push(value);
      else if (value.trim() !== "") throw new XmlBodyError("text outside the root element");
      continue;
    }
    if (name === undefined) continue; // declaration or comment
    if (closing === "/") {
      const open = stack.pop();
      if (open?.name !== name) throw new XmlBodyError(`unexpected </${name}>`);
      if (stack.length === 0) root = open;
      else stack[stack.length - 1]?.children.push(open);
      continue;
    }
    if (root !== undefined) throw new XmlBodyError("more than one root element");
    const attrs: Record<string, string> = {};
    for (const a of (rawAttrs ?? "").matchAll(ATTR)) attrs[a[1] as string] = decodeEntities(a[2] ?? a[3] ?? "");
    const element = { name, attrs, children: [] as (XmlElement | string)[] };
    if (selfClosing === "/") {
      if (top) top.children.push(element);
      else root = element;
    } else stack.push(element);
  }
  if (stack.length > 0 || root === undefined) throw new XmlBodyError("XML document is incomplete");
  return root;
}

import type { XmlElement } from "@stox/events";
import { escapeXML, escapeXMLText } from "@xmpp/xml";

/** Builds an XmlElement; children may be elements or text. */
export function el(
  name: string,
  attrs: Readonly<Record<string, string | undefined>> = {},
  ...children: (XmlElement | string)[]
): XmlElement {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined) clean[key] = value;
  return { name, attrs: clean, children };
}

/** The first child element with this name (and namespace, when given). */
export function child(element: XmlElement, name: string, xmlns?: string): XmlElement | undefined {
  for (const c of element.children) {
    if (typeof c !== "string" && c.name === name && (xmlns === undefined || c.attrs.xmlns === xmlns)) return c;
  }
  return undefined;
}

/** Child elements only (no text nodes). */
export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== "string");
}

/** Concatenated text content of the direct text children. */
export function textOf(element: XmlElement): string {
  return element.children.filter((c): c is string => typeof c === "string").join("");
}

/**
 * Serializes as @xmpp/xml (ltx) does, without building its element tree first: attribute values escaped with
 * escapeXML, text with escapeXMLText, empty text children dropped, `<name/>` for an element with no children.
 */
export function serialize(element: XmlElement): string {
  let out = `<${element.name}`;
  for (const key in element.attrs) {
    const value = element.attrs[key];
    if (value != null) out += ` ${key}="${escapeXML(value)}"`;
  }
  let inner = "";
  let hasChildren = false;
  for (const c of element.children) {
    if (c === "") continue;
    hasChildren = true;
    inner += typeof c === "string" ? escapeXMLText(c) : serialize(c);
  }
  return hasChildren ? `${out}>${inner}</${element.name}>` : `${out}/>`;
}

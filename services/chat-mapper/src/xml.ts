import type { XmlElement } from "@stox/events";

// Namespaces of the payloads this mapper reads or writes.
export const NS = Object.freeze({
  client: "jabber:client",
  chatStates: "http://jabber.org/protocol/chatstates", // XEP-0085
  receipts: "urn:xmpp:receipts", // XEP-0184
  markers: "urn:xmpp:chat-markers:0", // XEP-0333
  isComposing: "urn:ietf:params:xml:ns:im-iscomposing", // RFC 3994
  imdn: "urn:ietf:params:xml:ns:imdn", // RFC 5438
  stanzas: "urn:ietf:params:xml:ns:xmpp-stanzas", // RFC 6120 §8.3
});

/** Builds an element; undefined attributes are left out. */
export function el(
  name: string,
  attrs: Readonly<Record<string, string | undefined>> = {},
  ...children: (XmlElement | string)[]
): XmlElement {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined) clean[key] = value;
  return { name, attrs: clean, children };
}

/** The local name of a possibly prefixed element name. */
export function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon === -1 ? name : name.slice(colon + 1);
}

/** Child elements (text nodes skipped). */
export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== "string");
}

/** Children with this local name and, when given, this namespace (an inherited default namespace counts). */
export function children(element: XmlElement, name: string, xmlns?: string, parentNs?: string): XmlElement[] {
  const ns = element.attrs.xmlns ?? parentNs;
  return childElements(element).filter(
    (c) => localName(c.name) === name && (xmlns === undefined || (c.attrs.xmlns ?? ns) === xmlns),
  );
}

export function child(element: XmlElement, name: string, xmlns?: string, parentNs?: string): XmlElement | undefined {
  return children(element, name, xmlns, parentNs)[0];
}

/** Concatenated text of the direct text children. */
export function textOf(element: XmlElement): string {
  return element.children.filter((c): c is string => typeof c === "string").join("");
}

/** Escapes text for an XML body written by hand (IMDN, isComposing). */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" }[c]};`);
}

/** Serializes an element tree (for size checks and SIP bodies). */
export function serializeXml(element: XmlElement): string {
  const attrs = Object.entries(element.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join("");
  if (element.children.length === 0) return `<${element.name}${attrs}/>`;
  const inner = element.children.map((c) => (typeof c === "string" ? escapeXml(c) : serializeXml(c))).join("");
  return `<${element.name}${attrs}>${inner}</${element.name}>`;
}

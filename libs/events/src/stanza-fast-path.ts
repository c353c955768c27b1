import { z } from "zod";
import type { DecodeFastPath } from "./codec.js";
import { XML_LIMITS } from "./xml-limits.js";
import type { XmlElement } from "./xmpp.js";

// z.compile refuses the recursive element schema, and zod's runtime parse of a stanza tree was most of the
// cost of decoding a stanza event (issue 8). This check mirrors xmlElementSchema for JSON.parse output and
// answers only "certainly valid, and zod would return an equal tree"; anything else goes to the schema.
// The fast-path tests hold it to the schema.

const {
  maxName: MAX_NAME,
  maxAttrName: MAX_ATTR_NAME,
  maxAttrValue: MAX_ATTR_VALUE,
  maxChildren: MAX_CHILDREN,
} = XML_LIMITS;
/** Deeper trees go to the schema: this check must not overflow the stack where zod decides otherwise. */
const MAX_DEPTH = 64;

/**
 * Lengths are in UTF-16 units here and in code points in zod (a code point is one or two units), so "within
 * the maximum in units" is certain and "over it" is not; a string counted as valid here is valid for zod.
 */
function isElement(value: unknown, depth: number): value is XmlElement {
  if (typeof value !== "object" || value === null || Array.isArray(value) || depth > MAX_DEPTH) return false;
  for (const key in value) {
    // zod strips unknown keys, so the tree would differ from its output.
    if (key !== "name" && key !== "attrs" && key !== "children") return false;
  }
  const { name, attrs, children } = value as Record<string, unknown>;
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_NAME) return false;
  if (typeof attrs !== "object" || attrs === null || Array.isArray(attrs)) return false;
  for (const key in attrs) {
    // zod's record output assigns each key: "__proto__" would set the prototype instead.
    if (key.length > MAX_ATTR_NAME || key === "__proto__") return false;
    const v = (attrs as Record<string, unknown>)[key];
    if (typeof v !== "string" || v.length > MAX_ATTR_VALUE) return false;
  }
  if (!Array.isArray(children) || children.length > MAX_CHILDREN) return false;
  for (const child of children) {
    if (typeof child !== "string" && !isElement(child, depth + 1)) return false;
  }
  return true;
}

/**
 * The fast path for an event that carries a stanza: zod's compiled parser for every field but the stanza,
 * then the tree check above, which hands the parsed tree through as is (JSON.parse made it; nothing else
 * holds it).
 */
export function stanzaEventFastPath<T extends { readonly stanza: XmlElement }>(
  schema: z.ZodObject<{ stanza: z.ZodType<XmlElement> }>,
): DecodeFastPath<T> {
  let rest: z.ZodType | undefined;
  return (json) => {
    const stanza = (json as { stanza?: unknown } | null)?.stanza;
    if (!isElement(stanza, 0)) return undefined;
    rest ??= z.compile(schema.extend({ stanza: z.unknown() }));
    const result = rest.safeParse(json);
    return result.success ? (result.data as T) : undefined;
  };
}

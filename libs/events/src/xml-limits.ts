/** Limits of a stanza tree on the bus: the schema (xmpp.ts) and its decode fast path both enforce them. */
export const XML_LIMITS = {
  maxName: 256,
  maxAttrName: 256,
  maxAttrValue: 65_536,
  maxChildren: 10_000,
} as const;

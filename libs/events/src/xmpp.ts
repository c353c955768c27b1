import { z } from "zod";
import { defineCodec } from "./codec.js";
import { envelope, gatewayErrorSchema } from "./common.js";
import { stanzaEventFastPath } from "./stanza-fast-path.js";
import { XML_LIMITS } from "./xml-limits.js";

/** A stanza as a plain tree, lossless: unknown child elements travel to the mappers untouched. */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly (XmlElement | string)[];
}

export const xmlElementSchema: z.ZodType<XmlElement> = z.lazy(() =>
  z.object({
    name: z.string().min(1).max(XML_LIMITS.maxName),
    attrs: z.record(z.string().max(XML_LIMITS.maxAttrName), z.string().max(XML_LIMITS.maxAttrValue)),
    children: z.array(z.union([xmlElementSchema, z.string()])).max(XML_LIMITS.maxChildren),
  }),
);

export const xmppStanzaKinds = ["message", "presence", "iq"] as const;
export type XmppStanzaKind = (typeof xmppStanzaKinds)[number];

/** `stox.v1.xmpp.in.<kind>`: a stanza the edge received for a SIP-side address. */
export function xmppInSubject(kind: XmppStanzaKind): string {
  return `stox.v1.xmpp.in.${kind}`;
}
/** `stox.v1.xmpp.out.<kind>`: a mapper asks the edge to send a stanza. */
export function xmppOutSubject(kind: XmppStanzaKind): string {
  return `stox.v1.xmpp.out.${kind}`;
}

export const xmppStanzaReceivedSchema = z.object({
  ...envelope,
  stanza: xmlElementSchema,
  /** How it arrived: the component stream, or an s2s stream from `peer`. */
  stream: z.object({ mode: z.enum(["component", "s2s"]), peer: z.string().max(1024).optional() }),
});
export type XmppStanzaReceived = z.infer<typeof xmppStanzaReceivedSchema>;

const stanzaErrorSchema = z.object({
  type: z.enum(["auth", "cancel", "continue", "modify", "wait"]),
  condition: z.string().min(1).max(64),
  text: z.string().max(1024).optional(),
});

/** The reply to an xmpp.in stanza: handled, or an error the edge returns to the sender as a stanza error. */
export const xmppStanzaReplySchema = z.discriminatedUnion("ok", [
  z.object({ ...envelope, ok: z.literal(true) }),
  z.object({ ...envelope, ok: z.literal(false), error: gatewayErrorSchema, stanzaError: stanzaErrorSchema.optional() }),
]);
export type XmppStanzaReply = z.infer<typeof xmppStanzaReplySchema>;

export const xmppStanzaCommandSchema = z.object({ ...envelope, stanza: xmlElementSchema });
export type XmppStanzaCommand = z.infer<typeof xmppStanzaCommandSchema>;

/** The reply to xmpp.out: written to a stream (XMPP has no delivery receipt of its own), or why not. */
export const xmppSendResultSchema = z.discriminatedUnion("ok", [
  z.object({ ...envelope, ok: z.literal(true) }),
  z.object({ ...envelope, ok: z.literal(false), error: gatewayErrorSchema }),
]);
export type XmppSendResult = z.infer<typeof xmppSendResultSchema>;

// The kinds every chat message crosses the bus with: compiled replies, and a tree check for stanzas (issue 8).
export const xmppStanzaReceivedCodec = defineCodec("stox.v1.xmpp.in.*", xmppStanzaReceivedSchema, {
  fastPath: stanzaEventFastPath(xmppStanzaReceivedSchema),
});
export const xmppStanzaReplyCodec = defineCodec("stox.v1.xmpp.in.* (reply)", xmppStanzaReplySchema, { compile: true });
export const xmppStanzaCommandCodec = defineCodec("stox.v1.xmpp.out.*", xmppStanzaCommandSchema, {
  fastPath: stanzaEventFastPath(xmppStanzaCommandSchema),
});
export const xmppSendResultCodec = defineCodec("stox.v1.xmpp.out.* (reply)", xmppSendResultSchema, { compile: true });

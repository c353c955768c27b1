import { child, childElements, escapeXml, localName, NS, textOf } from "./xml.js";
import { readXml, XmlBodyError } from "./xml-reader.js";

export const IMDN_TYPE = "message/imdn+xml";
/** RFC 5438 §6.1: the CPIM name space of the IMDN header fields. */
export const IMDN_CPIM_NS = "urn:ietf:params:imdn";

/** RFC 5438 §6.3: what the sender asks to be told about. */
export type Disposition = "positive-delivery" | "negative-delivery" | "display";

/** RFC 5438 §7.2.1: a delivery or display notification. */
export interface ImdnNotification {
  readonly messageId: string;
  /** RFC 3339 DateTime of the original message. */
  readonly dateTime: string;
  readonly recipientUri?: string;
  readonly originalRecipientUri?: string;
  readonly kind: "delivery" | "display";
  /** delivery: delivered | failed | forbidden | error; display: displayed | forbidden | error. */
  readonly status: string;
}

/** Parses `imdn.Disposition-Notification` (RFC 5438 §6.3); unknown tokens are ignored. */
export function parseDispositions(value: string | undefined): Disposition[] {
  if (value === undefined) return [];
  const known: Disposition[] = ["positive-delivery", "negative-delivery", "display"];
  return value
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter((t): t is Disposition => (known as string[]).includes(t));
}

/** The RFC 5438 §7.2.1 notification document. */
export function buildImdn(n: ImdnNotification): string {
  const opt = (name: string, value: string | undefined) =>
    value === undefined ? "" : `<${name}>${escapeXml(value)}</${name}>`;
  const section = n.kind === "delivery" ? "delivery-notification" : "display-notification";
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<imdn xmlns="${NS.imdn}">` +
    `<message-id>${escapeXml(n.messageId)}</message-id><datetime>${escapeXml(n.dateTime)}</datetime>` +
    opt("recipient-uri", n.recipientUri) +
    opt("original-recipient-uri", n.originalRecipientUri) +
    `<${section}><status><${n.status}/></status></${section}></imdn>`
  );
}

/** Reads an RFC 5438 notification; throws XmlBodyError when the document is not one. */
export function parseImdn(text: string): ImdnNotification {
  const root = readXml(text);
  if (localName(root.name) !== "imdn" || root.attrs.xmlns !== NS.imdn) throw new XmlBodyError("not an IMDN document");
  const messageId = child(root, "message-id");
  const dateTime = child(root, "datetime");
  if (messageId === undefined || dateTime === undefined) throw new XmlBodyError("IMDN lacks message-id or datetime");
  const delivery = child(root, "delivery-notification");
  const display = child(root, "display-notification");
  const section = delivery ?? display;
  const status = section === undefined ? undefined : child(section, "status");
  const value = status === undefined ? undefined : childElements(status)[0];
  if (section === undefined || value === undefined) throw new XmlBodyError("IMDN has no notification status");
  const recipient = child(root, "recipient-uri");
  const original = child(root, "original-recipient-uri");
  return {
    messageId: textOf(messageId).trim(),
    dateTime: textOf(dateTime).trim(),
    kind: delivery !== undefined ? "delivery" : "display",
    status: localName(value.name),
    ...(recipient ? { recipientUri: textOf(recipient).trim() } : {}),
    ...(original ? { originalRecipientUri: textOf(original).trim() } : {}),
  };
}

import type { XmlElement } from "@stox/events";
import { wrapCpim } from "@stox/msrp-lite";
import type { S2XRecord, X2SImdnRecord } from "./chat-store.js";
import { buildImdn, IMDN_CPIM_NS, IMDN_TYPE, type ImdnNotification } from "./imdn.js";
import { newImdnMessageId, newS2xStanzaId } from "./stanza-id.js";
import { el, NS } from "./xml.js";

/** A MESSAGE the gateway makes itself (IMDN, error report); Call-ID and tag are added by the caller. */
export interface GeneratedMessage {
  readonly requestUri: string;
  readonly fromUri: string;
  readonly toUri: string;
  readonly contentType: string;
  readonly body: string;
}

/**
 * RFC 5438 -> XEP-0184/0333: the stanza for an IMDN about a message the X2S sent. Delivered is a XEP-0184
 * `<received/>`, displayed a XEP-0333 `<displayed/>`; a negative delivery (failed, forbidden, error) is an
 * error stanza about the original message, since XMPP has no negative receipt. Undefined when the original
 * did not ask for this kind of notification.
 */
export function receiptStanza(
  record: X2SImdnRecord,
  notification: ImdnNotification,
  fromJid: string,
): XmlElement | undefined {
  if (notification.kind === "display") {
    if (!record.dispositions.includes("display") || notification.status !== "displayed") return undefined;
    return el(
      "message",
      { from: fromJid, to: record.senderJid, id: newS2xStanzaId() },
      el("displayed", { xmlns: NS.markers, id: record.stanzaId }),
    );
  }
  if (notification.status === "delivered") {
    if (!record.dispositions.includes("positive-delivery")) return undefined;
    return el(
      "message",
      { from: fromJid, to: record.senderJid, id: newS2xStanzaId() },
      el("received", { xmlns: NS.receipts, id: record.stanzaId }),
    );
  }
  if (!record.dispositions.includes("negative-delivery")) return undefined;
  const condition = notification.status === "forbidden" ? "forbidden" : "recipient-unavailable";
  const type = condition === "forbidden" ? "auth" : "wait";
  return el(
    "message",
    { from: fromJid, to: record.senderJid, id: record.stanzaId, type: "error" },
    el(
      "error",
      { type },
      el(condition, { xmlns: NS.stanzas }),
      el("text", { xmlns: NS.stanzas }, `delivery ${notification.status} (IMDN)`),
    ),
  );
}

function imdnBody(from: string, to: string, n: ImdnNotification): string {
  return Buffer.from(
    wrapCpim({
      from: { uri: from },
      to: { uri: to },
      ns: [{ prefix: "imdn", uri: IMDN_CPIM_NS }],
      dateTime: new Date().toISOString(),
      extraHeaders: [{ name: "imdn.Message-ID", value: newImdnMessageId() }],
      contentHeaders: [{ name: "Content-Disposition", value: "notification" }],
      contentType: `${IMDN_TYPE};charset=UTF-8`,
      body: buildImdn(n),
    }),
  ).toString("utf8");
}

/**
 * XEP-0184/0333 -> RFC 5438 §7.2: the IMDN for a message the S2X delivered, sent by the XMPP recipient (as
 * its SIP URI) to the SIP sender. Undefined when the SIP sender did not ask for it.
 */
export function imdnForReceipt(
  record: S2XRecord,
  kind: "delivery" | "display",
  recipientSipUri: string,
): GeneratedMessage | undefined {
  const imdn = record.imdn;
  if (imdn === undefined) return undefined;
  if (!imdn.dispositions.includes(kind === "display" ? "display" : "positive-delivery")) return undefined;
  const n: ImdnNotification = {
    messageId: imdn.messageId,
    dateTime: imdn.dateTime,
    recipientUri: record.sipTargetUri,
    originalRecipientUri: record.sipTargetUri,
    kind,
    status: kind === "display" ? "displayed" : "delivered",
  };
  return {
    requestUri: record.sipSenderUri,
    fromUri: recipientSipUri,
    toUri: record.sipSenderUri,
    contentType: "message/cpim",
    body: imdnBody(recipientSipUri, record.sipSenderUri, n),
  };
}

/**
 * IM-S2X-15 option: an XMPP error arrived after the 2xx. The SIP sender learns of it through a negative-delivery
 * IMDN when it asked for one, else through a text/plain MESSAGE from the gateway's service URI.
 */
export function errorReport(
  record: S2XRecord,
  condition: string,
  text: string | undefined,
  reportFromUri: string,
  recipientSipUri: string,
): GeneratedMessage {
  const imdn = record.imdn;
  if (imdn?.dispositions.includes("negative-delivery")) {
    const n: ImdnNotification = {
      messageId: imdn.messageId,
      dateTime: imdn.dateTime,
      recipientUri: record.sipTargetUri,
      kind: "delivery",
      status: condition === "forbidden" ? "forbidden" : "failed",
    };
    return {
      requestUri: record.sipSenderUri,
      fromUri: recipientSipUri,
      toUri: record.sipSenderUri,
      contentType: "message/cpim",
      body: imdnBody(recipientSipUri, record.sipSenderUri, n),
    };
  }
  const why = text === undefined || text === "" ? condition : `${condition}: ${text}`;
  return {
    requestUri: record.sipSenderUri,
    fromUri: reportFromUri,
    toUri: record.sipSenderUri,
    contentType: "text/plain;charset=UTF-8",
    body: `Your message to ${record.targetJid} was not delivered (${why}).`,
  };
}

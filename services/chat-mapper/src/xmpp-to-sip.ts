import { randomUUID } from "node:crypto";
import type { XmlElement } from "@stox/events";
import { wrapCpim } from "@stox/msrp-lite";
import {
  admitStanza,
  createStanzaError,
  type DomainPolicy,
  formatAddressUri,
  formatJid,
  type StanzaError,
} from "@stox/stox-core";
import { type Disposition, IMDN_CPIM_NS } from "./imdn.js";
import { buildIsComposing, chatStateToComposing, findChatState, IS_COMPOSING_TYPE } from "./is-composing.js";
import { isLanguageTag } from "./language.js";
import { selectByLang } from "./select-by-lang.js";
import { estimateSipMessageBytes } from "./sip-size.js";
import { newImdnMessageId, S2X_ID_PREFIX, x2sFromTag } from "./stanza-id.js";
import { callIdForThread } from "./thread-call-id.js";
import { childElements, localName, NS, textOf } from "./xml.js";

export interface X2SOptions {
  readonly policy: DomainPolicy;
  readonly maxSipMessageBytes: number;
  readonly headline: "allow" | "deny";
  readonly chatStates: boolean;
  readonly receipts: boolean;
  /** How the stanza reached the edge; a component link and an s2s link are both authenticated (CORE-SEC-05). */
  readonly linkAuthenticated: boolean;
}

/** The MESSAGE to send (without CSeq, which depends on the thread's state). */
export interface OutgoingMessage {
  readonly requestUri: string;
  readonly fromUri: string;
  readonly fromTag: string;
  readonly toUri: string;
  readonly callId: string;
  /** The `<thread/>` the Call-ID came from (IM-X2S-06). */
  readonly thread?: string;
  /** True when the Call-ID was derived from the thread, not the thread itself (IM-STATE-04: remember it). */
  readonly isCallIdDerived?: boolean;
  readonly headers: readonly [string, string][];
  readonly contentType: string;
  readonly body: string;
  /** The sender's full JID and the original `to`: where errors go (IM-X2S-22). */
  readonly senderJid: string;
  readonly targetJid: string;
  readonly stanzaId?: string;
  /** RFC 5438: the IMDN request the message carries, to correlate notifications (XEP-0184/0333 back). */
  readonly imdn?: { readonly messageId: string; readonly dateTime: string; readonly dispositions: Disposition[] };
}

/** What the X2S does with a `<message/>` from the XMPP side. */
export type X2SDecision =
  | { readonly kind: "ignore"; readonly rule: string }
  | { readonly kind: "refuse"; readonly error: StanzaError; readonly rule: string }
  | { readonly kind: "send"; readonly message: OutgoingMessage }
  | {
      readonly kind: "receipt";
      /** The id of the S2X stanza being acknowledged. */
      readonly refId: string;
      readonly notification: "delivery" | "display";
      readonly senderJid: string;
      readonly targetJid: string;
    }
  | {
      readonly kind: "error-stanza";
      readonly refId: string | undefined;
      readonly condition: string;
      readonly text?: string;
      readonly senderJid: string;
    };

const refuse = (condition: string, rule: string, text?: string): X2SDecision => ({
  kind: "refuse",
  error: createStanzaError(condition, { text }),
  rule,
});

/** Elements of the message's own (client) namespace with this name. */
function own(stanza: XmlElement, name: string): XmlElement[] {
  return childElements(stanza).filter(
    (c) =>
      localName(c.name) === name &&
      (c.attrs.xmlns === undefined || c.attrs.xmlns === NS.client || c.attrs.xmlns === "jabber:component:accept"),
  );
}

function findWithNs(stanza: XmlElement, name: string, xmlns: string): XmlElement | undefined {
  return childElements(stanza).find((c) => localName(c.name) === name && c.attrs.xmlns === xmlns);
}

function errorOf(stanza: XmlElement): X2SDecision {
  const error = own(stanza, "error")[0];
  const condition = error
    ? childElements(error).find((c) => c.attrs.xmlns === NS.stanzas && localName(c.name) !== "text")
    : undefined;
  const text = error ? childElements(error).find((c) => localName(c.name) === "text") : undefined;
  return {
    kind: "error-stanza",
    refId: stanza.attrs.id,
    condition: condition ? localName(condition.name) : "undefined-condition",
    senderJid: stanza.attrs.from ?? "",
    ...(text ? { text: textOf(text) } : {}),
  };
}

/** A message without a body: chat state or receipt, or nothing (IM-X2S-15). */
function bodiless(stanza: XmlElement, options: X2SOptions): X2SDecision | "chat-state" {
  if (options.receipts) {
    const received = findWithNs(stanza, "received", NS.receipts) ?? findWithNs(stanza, "received", NS.markers);
    const displayed = findWithNs(stanza, "displayed", NS.markers);
    const ack = displayed ?? received;
    const refId = ack?.attrs.id;
    if (ack !== undefined && refId?.startsWith(S2X_ID_PREFIX)) {
      return {
        kind: "receipt",
        refId,
        notification: ack === displayed ? "display" : "delivery",
        senderJid: stanza.attrs.from ?? "",
        targetJid: stanza.attrs.to ?? "",
      };
    }
  }
  if (options.chatStates && findChatState(stanza) !== undefined) return "chat-state";
  return { kind: "ignore", rule: "IM-X2S-15" };
}

/**
 * RFC 7572 §4 (Table 1): maps an XMPP `<message/>` to the SIP MESSAGE to send, or to what to answer instead.
 * Type rules are IM-TYPE-01..06; errors for S2X stanzas come back as "error-stanza" (IM-S2X-15).
 */
export function mapXmppMessage(stanza: XmlElement, options: X2SOptions): X2SDecision {
  const type = stanza.attrs.type;
  if (type === "error") return errorOf(stanza); // IM-TYPE-05: never translated, never answered
  if (type === "groupchat") return refuse("feature-not-implemented", "IM-TYPE-04", "groupchat is not translated");
  if (type === "headline" && options.headline === "deny") return refuse("service-unavailable", "IM-TYPE-03");
  // CORE-SEC-04(a): a stanza the S2X made has come back toward SIP.
  if (stanza.attrs.id?.startsWith(S2X_ID_PREFIX) && own(stanza, "body").length > 0) {
    return refuse("forbidden", "CORE-SEC-04", "loop detected");
  }
  const verdict = admitStanza(options.policy, {
    linkAuthenticated: options.linkAuthenticated,
    from: stanza.attrs.from ?? "",
    to: stanza.attrs.to ?? "",
  });
  if (!verdict.ok) return { kind: "refuse", error: verdict.error, rule: verdict.rule };

  const stanzaLang = stanza.attrs["xml:lang"];
  const body = selectByLang(own(stanza, "body"), stanzaLang);
  let contentType = "text/plain;charset=UTF-8"; // IM-CT-05
  let text: string;
  if (body === undefined) {
    const next = bodiless(stanza, options);
    if (next !== "chat-state") return next;
    contentType = IS_COMPOSING_TYPE;
    text = buildIsComposing(chatStateToComposing(findChatState(stanza) ?? "active"));
  } else {
    text = textOf(body);
  }
  const subjectEl = selectByLang(own(stanza, "subject"), stanzaLang);
  const threadEl = own(stanza, "thread")[0];
  const thread = threadEl === undefined ? "" : textOf(threadEl).trim();
  const fromCallId = thread === "" ? undefined : callIdForThread(thread);
  const lang = body?.attrs["xml:lang"] ?? stanzaLang; // IM-X2S-08, IM-LANG-02
  const headers: [string, string][] = [];
  const subject =
    subjectEl === undefined
      ? ""
      : textOf(subjectEl)
          .replace(/[\r\n]+/g, " ")
          .trim(); // IM-X2S-05
  if (subject !== "") headers.push(["Subject", subject]);
  if (body !== undefined && lang !== undefined && isLanguageTag(lang)) headers.push(["Content-Language", lang]);

  const fromUri = formatAddressUri(verdict.sender); // IM-X2S-02: resource as ;gr=
  const toUri = formatAddressUri(verdict.target); // IM-X2S-03
  const senderJid = formatJid(verdict.senderJid);
  const wantsReceipt =
    body !== undefined && options.receipts && findWithNs(stanza, "request", NS.receipts) !== undefined;
  const wantsDisplay =
    body !== undefined && options.receipts && findWithNs(stanza, "markable", NS.markers) !== undefined;
  let imdn: OutgoingMessage["imdn"];
  if (wantsReceipt || wantsDisplay) {
    const dispositions: Disposition[] = wantsReceipt ? ["positive-delivery", "negative-delivery"] : [];
    if (wantsDisplay) dispositions.push("display");
    imdn = { messageId: newImdnMessageId(), dateTime: new Date().toISOString(), dispositions };
    text = Buffer.from(
      wrapCpim({
        from: { uri: fromUri },
        to: { uri: toUri },
        ns: [{ prefix: "imdn", uri: IMDN_CPIM_NS }],
        dateTime: imdn.dateTime,
        extraHeaders: [
          { name: "imdn.Message-ID", value: imdn.messageId },
          { name: "imdn.Disposition-Notification", value: dispositions.join(", ") },
        ],
        contentType: "text/plain;charset=UTF-8",
        body: text,
      }),
    ).toString("utf8");
    contentType = "message/cpim";
  }
  const message: OutgoingMessage = {
    requestUri: toUri,
    fromUri,
    fromTag: x2sFromTag(),
    toUri,
    callId: fromCallId?.callId ?? randomUUID(),
    ...(fromCallId === undefined ? {} : { thread, isCallIdDerived: fromCallId.isDerived }),
    headers,
    contentType,
    body: text,
    senderJid,
    targetJid: stanza.attrs.to ?? "",
    ...(stanza.attrs.id === undefined ? {} : { stanzaId: stanza.attrs.id }),
    ...(imdn ? { imdn } : {}),
  };
  if (estimateSipMessageBytes(message) > options.maxSipMessageBytes) {
    return refuse(
      "policy-violation",
      "IM-X2S-13",
      `the SIP size limit (${options.maxSipMessageBytes} bytes) was exceeded`,
    );
  }
  return { kind: "send", message };
}

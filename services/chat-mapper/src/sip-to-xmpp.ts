import type { SipRequestReceived, XmlElement } from "@stox/events";
import { parseViaList } from "@stox/sip-parser";
import { admitSipRequest, type DomainPolicy, formatJid, type Jid } from "@stox/stox-core";
import type { ImdnNotification } from "./imdn.js";
import { chatStateElement, composingToChatState } from "./is-composing.js";
import { firstContentLanguage } from "./language.js";
import { ACCEPTED_TYPES, type ImdnRequest, readSipBody, UnsupportedBodyError } from "./sip-body.js";
import { headerTokens, headerValue } from "./sip-headers.js";
import { s2xStanzaId, X2S_TAG_PREFIX } from "./stanza-id.js";
import { el, NS, serializeXml } from "./xml.js";
import { toXmlSafeText } from "./xml-chars.js";

/** What the S2X needs from the config. */
export interface S2XOptions {
  readonly policy: DomainPolicy;
  readonly sipHopTrust: "trusted" | "authenticated" | "untrusted";
  readonly maxStanzaBytes: number;
  readonly chatStates: boolean;
  readonly receipts: boolean;
}

/** A SIP response the mapper answers with instead of sending a stanza. */
export interface S2XResponse {
  readonly kind: "respond";
  readonly status: number;
  readonly reason: string;
  readonly headers?: readonly [string, string][];
  /** The requirement that decided it (for logs and metrics). */
  readonly rule: string;
}

/** A stanza to hand to the xmpp-edge; the 2xx is sent only once it is taken (IM-S2X-14). */
export interface S2XStanza {
  readonly kind: "stanza";
  readonly stanza: XmlElement;
  readonly stanzaId: string;
  readonly sender: Jid;
  readonly target: Jid;
  /** The SIP sender (From URI) for error reports and IMDNs going back. */
  readonly sipSenderUri: string;
  /** RFC 5438 request carried by the message, when receipts are on. */
  readonly imdn?: ImdnRequest;
}

/** An RFC 5438 notification: the handler turns it into a XEP-0184/0333 receipt once it finds the original. */
export interface S2XReceipt {
  readonly kind: "receipt";
  readonly notification: ImdnNotification;
  readonly sender: Jid;
  readonly target: Jid;
}

export type S2XDecision = S2XResponse | S2XStanza | S2XReceipt;

const respond = (status: number, reason: string, rule: string, headers?: [string, string][]): S2XResponse => ({
  kind: "respond",
  status,
  reason,
  rule,
  ...(headers ? { headers } : {}),
});

const ACCEPT: [string, string] = ["Accept", ACCEPTED_TYPES.join(", ")];

function uriOf(nameAddrValue: string): string {
  const bracketed = /<([^>]*)>/.exec(nameAddrValue);
  return (bracketed?.[1] ?? nameAddrValue.split(";")[0] ?? "").trim();
}

function topBranch(request: SipRequestReceived): string | undefined {
  const via = headerValue(request.headers, "Via");
  if (via === undefined) return undefined;
  try {
    return parseViaList(via)[0]?.branch;
  } catch {
    return undefined;
  }
}

/** Checks that come before any mapping: dialogs, loops, Require, Content-Encoding. */
function precheck(request: SipRequestReceived): S2XResponse | undefined {
  // IM-S2X-16: the gateway never creates dialogs for IM, so an in-dialog MESSAGE has no dialog to join.
  if (request.to.tag !== undefined && request.to.tag !== "") {
    return respond(481, "Call/Transaction Does Not Exist", "IM-S2X-16");
  }
  // CORE-SEC-04(a): a MESSAGE the X2S made has come back.
  if (request.from.tag?.startsWith(X2S_TAG_PREFIX)) return respond(482, "Loop Detected", "CORE-SEC-04");
  // IM-S2X-17: this UAS supports no extension (RFC 3261 §8.2.2.3).
  const required = headerTokens(request.headers, "Require");
  if (required.length > 0) return respond(420, "Bad Extension", "IM-S2X-17", [["Unsupported", required.join(", ")]]);
  const encodings = headerTokens(request.headers, "Content-Encoding").filter((e) => e !== "identity");
  if (encodings.length > 0) {
    return respond(415, "Unsupported Media Type", "IM-CT-04", [ACCEPT, ["Accept-Encoding", "identity"]]);
  }
  return undefined;
}

/**
 * RFC 7572 §5 (Table 2): maps a SIP MESSAGE to the XMPP message to send, or to the SIP response to give.
 * `thread` is the original `<thread/>` when the Call-ID was made by the X2S from one (IM-S2X-05).
 */
export function mapSipMessage(request: SipRequestReceived, options: S2XOptions, thread?: string): S2XDecision {
  const early = precheck(request);
  if (early) return early;
  const pai = headerValue(request.headers, "P-Asserted-Identity");
  const verdict = admitSipRequest(options.policy, {
    hop: options.sipHopTrust,
    requestUri: request.requestUri,
    from: request.from.uri,
    to: request.to.uri,
    ...(pai === undefined ? {} : { pAssertedIdentity: uriOf(pai) }),
  });
  if (!verdict.ok) return respond(verdict.response.status, verdict.response.reasonPhrase, verdict.rule);

  let content: ReturnType<typeof readSipBody>;
  try {
    content = readSipBody(request);
  } catch (err) {
    if (!(err instanceof UnsupportedBodyError)) throw err;
    return respond(415, "Unsupported Media Type", "IM-CT-04", [ACCEPT]);
  }
  const subject = headerValue(request.headers, "Subject");
  if (content.kind === "imdn") {
    return options.receipts
      ? { kind: "receipt", notification: content.notification, sender: verdict.sender, target: verdict.target }
      : respond(200, "OK", "IM-CT-03");
  }
  if (content.kind === "is-composing" && !options.chatStates) return respond(200, "OK", "IM-CT-03");
  // IM-S2X-20: nothing to say.
  if (content.kind === "empty" && (subject === undefined || subject.trim() === "")) {
    return respond(200, "OK", "IM-S2X-20");
  }

  const stanzaId = s2xStanzaId(request.callId, request.cseq, topBranch(request));
  const lang = firstContentLanguage(headerValue(request.headers, "Content-Language"));
  const children: XmlElement[] = [];
  if (subject !== undefined && subject.trim() !== "") children.push(el("subject", {}, toXmlSafeText(subject)));
  children.push(el("thread", {}, toXmlSafeText(thread ?? request.callId)));
  if (content.kind === "text") children.push(el("body", {}, toXmlSafeText(content.text)));
  if (content.kind === "is-composing") children.push(chatStateElement(composingToChatState(content.state)));
  const imdn = content.kind === "text" && options.receipts ? content.imdn : undefined;
  if (imdn?.dispositions.includes("positive-delivery")) children.push(el("request", { xmlns: NS.receipts }));
  if (imdn?.dispositions.includes("display")) children.push(el("markable", { xmlns: NS.markers }));
  // IM-S2X-02 / IM-TYPE-07: no type attribute (normal).
  const stanza = el(
    "message",
    { from: formatJid(verdict.sender), to: formatJid(verdict.target), id: stanzaId, "xml:lang": lang },
    ...children,
  );
  if (Buffer.byteLength(serializeXml(stanza), "utf8") > options.maxStanzaBytes) {
    return respond(413, "Request Entity Too Large", "IM-SIZE-05");
  }
  return {
    kind: "stanza",
    stanza,
    stanzaId,
    sender: verdict.sender,
    target: verdict.target,
    sipSenderUri: request.from.uri,
    ...(imdn ? { imdn } : {}),
  };
}

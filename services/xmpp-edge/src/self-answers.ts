import type { XmlElement } from "@stox/events";
import { splitJid } from "./jid.js";
import { errorReply, iqResult } from "./stanza-errors.js";
import { NS } from "./xml/namespaces.js";
import { childElements, el } from "./xml/xml-element.js";

/** What the gateway says about itself and the SIP users behind it. */
export interface SelfAnswerOptions {
  /** Domains served by this edge. */
  readonly domains: readonly string[];
  /** XEP-0030 identity name and XEP-0092 software name. */
  readonly name: string;
  readonly version: string;
  /** Extra features of the gateway domain (depend on which mappers run). */
  readonly domainFeatures: readonly string[];
  /** Features advertised for each SIP user behind the gateway (e.g. urn:xmpp:jingle:1 with a media mapper). */
  readonly userFeatures: readonly string[];
}

const BASE_DOMAIN_FEATURES = [NS.discoInfo, NS.discoItems, NS.ping, NS.version];

/**
 * Answers the iqs that are about the gateway itself: XEP-0030 disco#info / disco#items for its domains and for
 * the users behind it, XEP-0199 ping and XEP-0092 version for its domains. Returns the reply stanza, or
 * undefined when the iq is for someone else to handle (the mappers, via the bus).
 */
export function answerForSelf(iq: XmlElement, options: SelfAnswerOptions): XmlElement | undefined {
  if (iq.name !== "iq" || (iq.attrs.type !== "get" && iq.attrs.type !== "set")) return undefined;
  const to = iq.attrs.to ? splitJid(iq.attrs.to) : undefined;
  if (!to || !options.domains.includes(to.domain)) return undefined;
  const payloads = childElements(iq);
  const payload = payloads[0];
  if (!payload || payloads.length !== 1) return undefined;
  const isDomain = to.local === undefined && to.resource === undefined;
  const ns = payload.attrs.xmlns;
  if (iq.attrs.type === "set") {
    // RFC 6120 §8.3.3.7: the namespace is understood, the request is not one it defines (all four are
    // get-only). Unknown namespaces go to the mappers.
    const isOwn = ns === NS.discoInfo || ns === NS.discoItems || (isDomain && (ns === NS.ping || ns === NS.version));
    return isOwn ? errorReply(iq, { type: "cancel", condition: "feature-not-implemented" }) : undefined;
  }
  if (ns === NS.discoInfo) return discoInfo(iq, payload, isDomain, options);
  if (ns === NS.discoItems) {
    if (payload.attrs.node) return errorReply(iq, { type: "cancel", condition: "item-not-found" });
    return iqResult(iq, el("query", { xmlns: NS.discoItems }));
  }
  if (!isDomain) return undefined;
  // XEP-0199 §4.2: a server (here: the gateway domain) answers a ping with an empty result.
  if (ns === NS.ping && payload.name === "ping") return iqResult(iq);
  if (ns === NS.version && payload.name === "query") {
    return iqResult(
      iq,
      el("query", { xmlns: NS.version }, el("name", {}, options.name), el("version", {}, options.version)),
    );
  }
  return undefined;
}

function discoInfo(iq: XmlElement, query: XmlElement, isDomain: boolean, options: SelfAnswerOptions): XmlElement {
  // XEP-0030 §3.1: a node we do not know is item-not-found.
  if (query.attrs.node) return errorReply(iq, { type: "cancel", condition: "item-not-found" });
  // XEP-0100 names gateways category "gateway" with the legacy protocol as type ("sip" is registered).
  const identity = isDomain
    ? el("identity", { category: "gateway", type: "sip", name: options.name })
    : el("identity", { category: "account", type: "registered" });
  const features = isDomain
    ? [...BASE_DOMAIN_FEATURES, ...options.domainFeatures]
    : [NS.discoInfo, ...options.userFeatures];
  const unique = [...new Set(features)];
  return iqResult(iq, el("query", { xmlns: NS.discoInfo }, identity, ...unique.map((f) => el("feature", { var: f }))));
}

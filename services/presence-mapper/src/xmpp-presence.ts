import type { XmlElement } from "@stox/events";

export const XML_LANG = "xml:lang";
export const SHOW_VALUES = ["away", "chat", "dnd", "xa"] as const;
export type Show = (typeof SHOW_VALUES)[number];

export interface LangText {
  readonly text: string;
  readonly lang?: string;
}

/** The availability part of one XMPP presence (RFC 6121 §4.7), without addresses. */
export interface PresenceInfo {
  readonly isAvailable: boolean;
  readonly show?: Show;
  readonly statuses: readonly LangText[];
  /** −128..127; absent means 0 (RFC 6121 §4.7.2.3), but we keep "absent" to avoid inventing data. */
  readonly priority?: number;
  /** The stanza's `xml:lang` (RFC 8048 Table 1: Content-Language). */
  readonly lang?: string;
}

export function isShow(value: string): value is Show {
  return (SHOW_VALUES as readonly string[]).includes(value);
}

function childText(el: XmlElement): string {
  return el.children.filter((c): c is string => typeof c === "string").join("");
}

function isElement(c: XmlElement | string): c is XmlElement {
  return typeof c !== "string";
}

/** Reads show/status/priority from a `<presence/>` (no type or `unavailable`). Unknown values are dropped. */
export function readPresenceInfo(stanza: XmlElement): PresenceInfo {
  const isAvailable = stanza.attrs.type !== "unavailable";
  let show: Show | undefined;
  let priority: number | undefined;
  const statuses: LangText[] = [];
  for (const child of stanza.children.filter(isElement)) {
    const ns = child.attrs.xmlns;
    if (ns !== undefined && ns !== "jabber:client" && ns !== "jabber:server") continue;
    if (child.name === "show") {
      const value = childText(child).trim();
      if (isShow(value)) show = value;
    } else if (child.name === "status") {
      const lang = child.attrs[XML_LANG];
      statuses.push({ text: childText(child), ...(lang ? { lang } : {}) });
    } else if (child.name === "priority") {
      const value = Number.parseInt(childText(child).trim(), 10);
      if (Number.isInteger(value) && value >= -128 && value <= 127) priority = value;
    }
  }
  const lang = stanza.attrs[XML_LANG];
  return {
    isAvailable,
    // RFC 6121 §4.5.1: unavailable carries no show and no priority.
    ...(isAvailable && show ? { show } : {}),
    statuses,
    ...(isAvailable && priority !== undefined ? { priority } : {}),
    ...(lang ? { lang } : {}),
  };
}

function el(name: string, attrs: Record<string, string>, children: (XmlElement | string)[] = []): XmlElement {
  return { name, attrs, children };
}

/** Builds a presence stanza carrying `info` (PRES-NTF-13: unavailable drops show and priority). */
export function presenceStanza(from: string, to: string, info: PresenceInfo): XmlElement {
  const attrs: Record<string, string> = { from, to };
  if (!info.isAvailable) attrs.type = "unavailable";
  if (info.lang) attrs[XML_LANG] = info.lang;
  const children: XmlElement[] = [];
  if (info.isAvailable && info.show) children.push(el("show", {}, [info.show]));
  for (const s of info.statuses) children.push(el("status", s.lang ? { [XML_LANG]: s.lang } : {}, [s.text]));
  if (info.isAvailable && info.priority !== undefined) children.push(el("priority", {}, [String(info.priority)]));
  return el("presence", attrs, children);
}

export type ControlType = "subscribe" | "subscribed" | "unsubscribe" | "unsubscribed" | "probe" | "unavailable";

/** A presence with only a type (PRES-GEN-05: callers pass bare JIDs for subscription types). */
export function controlStanza(from: string, to: string, type: ControlType): XmlElement {
  return el("presence", { from, to, type });
}

export interface StanzaErrorInfo {
  readonly type: string;
  readonly condition: string;
}

/** Reads `<error type><condition xmlns=urn:ietf:params:xml:ns:xmpp-stanzas/></error>` from an error presence. */
export function readStanzaError(stanza: XmlElement): StanzaErrorInfo | undefined {
  const error = stanza.children.filter(isElement).find((c) => c.name === "error");
  if (!error) return undefined;
  const condition = error.children
    .filter(isElement)
    .find((c) => c.attrs.xmlns === "urn:ietf:params:xml:ns:xmpp-stanzas");
  return { type: error.attrs.type ?? "cancel", condition: condition?.name ?? "undefined-condition" };
}

/** `<presence type='error'>` with a condition, for PRES-X2S-12. */
export function errorPresence(from: string, to: string, type: string, condition: string): XmlElement {
  return el("presence", { from, to, type: "error" }, [
    el("error", { type }, [el(condition, { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" })]),
  ]);
}

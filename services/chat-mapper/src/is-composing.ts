import type { XmlElement } from "@stox/events";
import { child, el, localName, NS, textOf } from "./xml.js";
import { readXml, XmlBodyError } from "./xml-reader.js";

export const IS_COMPOSING_TYPE = "application/im-iscomposing+xml";

/** RFC 3994 §3: "active" while the user composes, "idle" otherwise. */
export type ComposingState = "active" | "idle";

/** XEP-0085 §5 chat states. */
export const CHAT_STATES = ["active", "composing", "paused", "inactive", "gone"] as const;
export type ChatState = (typeof CHAT_STATES)[number];

/**
 * XEP-0085 -> RFC 3994: only `composing` is the RFC 3994 "active" state (the user is typing); every other
 * chat state says the user is not composing, which is "idle".
 */
export function chatStateToComposing(state: ChatState): ComposingState {
  return state === "composing" ? "active" : "idle";
}

/** RFC 3994 -> XEP-0085: "active" is `composing`; "idle" after composing is `paused` (XEP-0085 §5.3). */
export function composingToChatState(state: ComposingState): ChatState {
  return state === "active" ? "composing" : "paused";
}

/** The XEP-0085 chat state child of a message, if any. */
export function findChatState(stanza: XmlElement): ChatState | undefined {
  for (const c of stanza.children) {
    if (typeof c === "string" || c.attrs.xmlns !== NS.chatStates) continue;
    const name = localName(c.name);
    if ((CHAT_STATES as readonly string[]).includes(name)) return name as ChatState;
  }
  return undefined;
}

/** A chat-state element for a stanza. */
export function chatStateElement(state: ChatState): XmlElement {
  return el(state, { xmlns: NS.chatStates });
}

/** RFC 3994 §5 document; `refresh` (seconds) is only sent with "active" (§3.2). */
export function buildIsComposing(state: ComposingState, refreshSeconds = 90): string {
  const refresh = state === "active" ? `<refresh>${refreshSeconds}</refresh>` : "";
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<isComposing xmlns="${NS.isComposing}">` +
    `<state>${state}</state><contenttype>text/plain</contenttype>${refresh}</isComposing>`
  );
}

/** Reads the state of an RFC 3994 document; throws XmlBodyError when it is not one. */
export function parseIsComposing(text: string): ComposingState {
  const root = readXml(text);
  if (localName(root.name) !== "isComposing" || root.attrs.xmlns !== NS.isComposing) {
    throw new XmlBodyError("not an isComposing document (RFC 3994 §5)");
  }
  const stateElement = child(root, "state");
  const state = stateElement === undefined ? undefined : textOf(stateElement).trim();
  if (state !== "active" && state !== "idle") throw new XmlBodyError("isComposing <state> must be active or idle");
  return state;
}

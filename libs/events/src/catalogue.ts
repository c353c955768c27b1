import type { EventCodec } from "./codec.js";
import {
  SIP_IN_ALL,
  SIP_OUT_REQUEST,
  sipRequestCommandCodec,
  sipRequestReceivedCodec,
  sipResponseCommandCodec,
  sipResponseReceivedCodec,
} from "./sip.js";
import { xmppSendResultCodec, xmppStanzaCommandCodec, xmppStanzaReceivedCodec, xmppStanzaReplyCodec } from "./xmpp.js";

/** One row of the event catalogue: who sends what on which subject, and what comes back. */
export interface CatalogueEntry {
  /** The subject, or its pattern with `<...>` for the variable token. */
  readonly subject: string;
  /** "request" = request/reply (the sender is told the outcome); "event" = fire and forget. */
  readonly style: "request" | "event";
  readonly payload: EventCodec<unknown>;
  readonly reply?: EventCodec<unknown>;
  readonly publishers: readonly string[];
  readonly consumers: readonly string[];
  readonly summary: string;
}

// The one place to add an event kind: define its codec in a family file, then list it here and in README.md
// (a test keeps the two in step).
export const catalogue: readonly CatalogueEntry[] = [
  {
    subject: "stox.v1.sip.in.<method>",
    style: "request",
    payload: sipRequestReceivedCodec as EventCodec<unknown>,
    reply: sipResponseCommandCodec as EventCodec<unknown>,
    publishers: ["sip-edge"],
    consumers: ["chat-mapper (message)", "presence-mapper (subscribe, notify, publish)", "media-mapper (invite, ack, bye, cancel, info, update, prack)"],
    summary: `A SIP request received by the edge (${SIP_IN_ALL}); the reply is the final response to send.`,
  },
  {
    subject: SIP_OUT_REQUEST,
    style: "request",
    payload: sipRequestCommandCodec as EventCodec<unknown>,
    reply: sipResponseReceivedCodec as EventCodec<unknown>,
    publishers: ["chat-mapper", "presence-mapper", "media-mapper"],
    consumers: ["sip-edge"],
    summary: "Send a SIP request (new, or in a stored dialog); the reply is its final response.",
  },
  {
    subject: "stox.v1.xmpp.in.<message|presence|iq>",
    style: "request",
    payload: xmppStanzaReceivedCodec as EventCodec<unknown>,
    reply: xmppStanzaReplyCodec as EventCodec<unknown>,
    publishers: ["xmpp-edge"],
    consumers: ["chat-mapper (message)", "presence-mapper (presence)", "media-mapper (iq: jingle)"],
    summary: "A stanza for a SIP-side address; the reply says handled, or the stanza error to return.",
  },
  {
    subject: "stox.v1.xmpp.out.<message|presence|iq>",
    style: "request",
    payload: xmppStanzaCommandCodec as EventCodec<unknown>,
    reply: xmppSendResultCodec as EventCodec<unknown>,
    publishers: ["chat-mapper", "presence-mapper", "media-mapper"],
    consumers: ["xmpp-edge"],
    summary: "Send a stanza to the XMPP network; the reply says whether a stream took it.",
  },
];

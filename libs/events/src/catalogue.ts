import type { EventCodec } from "./codec.js";
import {
  MSRP_SESSION_OPEN,
  msrpBodyFetchCodec,
  msrpCommandResultCodec,
  msrpInboundReplyCodec,
  msrpMessageReceivedCodec,
  msrpNicknameCommandCodec,
  msrpNicknameReceivedCodec,
  msrpReportCommandCodec,
  msrpReportReceivedCodec,
  msrpSendCommandCodec,
  msrpSessionCloseCodec,
  msrpSessionClosedCodec,
  msrpSessionOpenAtCodec,
  msrpSessionOpenCodec,
  msrpSessionOpenedCodec,
  msrpSessionUpdateCodec,
} from "./msrp.js";
import {
  SIP_IN_ALL,
  SIP_OUT_REQUEST,
  sipRequestCommandCodec,
  sipRequestReceivedCodec,
  sipResponseCommandCodec,
  sipResponseReceivedCodec,
} from "./sip.js";
import { SIP_OUT_CANCEL, sipCancelCommandCodec } from "./sip-cancel.js";
import { SIP_OUT_PROVISIONAL, sipProvisionalReceivedCodec } from "./sip-provisional.js";
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
    consumers: [
      "chat-mapper (message)",
      "presence-mapper (subscribe, notify, publish)",
      "media-mapper (invite, ack, bye, cancel, info, update, prack)",
    ],
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
    subject: SIP_OUT_PROVISIONAL,
    style: "event",
    payload: sipProvisionalReceivedCodec as EventCodec<unknown>,
    publishers: ["sip-edge"],
    consumers: ["media-mapper", "chat-mapper", "presence-mapper"],
    summary: "A provisional response (e.g. 180 Ringing) to a sip.out.request, keyed by the command id.",
  },
  {
    subject: SIP_OUT_CANCEL,
    style: "request",
    payload: sipCancelCommandCodec as EventCodec<unknown>,
    reply: sipResponseReceivedCodec as EventCodec<unknown>,
    publishers: ["media-mapper"],
    consumers: ["sip-edge (every instance; the INVITE's owner replies)"],
    summary: "Cancel a pending INVITE sent with sip.out.request; the reply is the CANCEL's final response.",
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
  {
    subject: MSRP_SESSION_OPEN,
    style: "request",
    payload: msrpSessionOpenCodec as EventCodec<unknown>,
    reply: msrpSessionOpenedCodec as EventCodec<unknown>,
    publishers: ["chat-mapper", "groupchat-mapper"],
    consumers: ["msrp-edge"],
    summary: "Open a local MSRP endpoint; the reply gives the session handle, the edge id and the SDP attributes.",
  },
  {
    subject: "stox.v1.msrp.out.<edge>.open",
    style: "request",
    payload: msrpSessionOpenAtCodec as EventCodec<unknown>,
    reply: msrpSessionOpenedCodec as EventCodec<unknown>,
    publishers: ["chat-mapper", "groupchat-mapper"],
    consumers: ["msrp-edge"],
    summary: "Open a session at one given edge instance (same reply as session.open).",
  },
  {
    subject: "stox.v1.msrp.out.<edge>.update",
    style: "request",
    payload: msrpSessionUpdateCodec as EventCodec<unknown>,
    reply: msrpCommandResultCodec as EventCodec<unknown>,
    publishers: ["chat-mapper", "groupchat-mapper"],
    consumers: ["msrp-edge"],
    summary: "The peer's SDP answer for an offered session (the edge connects when active).",
  },
  {
    subject: "stox.v1.msrp.out.<edge>.close",
    style: "request",
    payload: msrpSessionCloseCodec as EventCodec<unknown>,
    reply: msrpCommandResultCodec as EventCodec<unknown>,
    publishers: ["chat-mapper", "groupchat-mapper"],
    consumers: ["msrp-edge"],
    summary: "End a session.",
  },
  {
    subject: "stox.v1.msrp.out.<edge>.send",
    style: "request",
    payload: msrpSendCommandCodec as EventCodec<unknown>,
    reply: msrpCommandResultCodec as EventCodec<unknown>,
    publishers: ["chat-mapper", "groupchat-mapper"],
    consumers: ["msrp-edge"],
    summary: "Send a message (chunked by the edge); the reply carries the MSRP status.",
  },
  {
    subject: "stox.v1.msrp.out.<edge>.report",
    style: "request",
    payload: msrpReportCommandCodec as EventCodec<unknown>,
    reply: msrpCommandResultCodec as EventCodec<unknown>,
    publishers: ["chat-mapper", "groupchat-mapper"],
    consumers: ["msrp-edge"],
    summary: "Send a REPORT about a received message.",
  },
  {
    subject: "stox.v1.msrp.out.<edge>.nickname",
    style: "request",
    payload: msrpNicknameCommandCodec as EventCodec<unknown>,
    reply: msrpCommandResultCodec as EventCodec<unknown>,
    publishers: ["groupchat-mapper"],
    consumers: ["msrp-edge"],
    summary: "Send an RFC 7701 NICKNAME; the reply carries the MSRP status.",
  },
  {
    subject: "stox.v1.msrp.out.<edge>.body",
    style: "request",
    payload: msrpBodyFetchCodec as EventCodec<unknown>,
    reply: msrpCommandResultCodec as EventCodec<unknown>,
    publishers: ["chat-mapper", "groupchat-mapper"],
    consumers: ["msrp-edge"],
    summary: "Fetch a slice of a received body too large to travel inline.",
  },
  {
    subject: "stox.v1.msrp.in.<owner>.send",
    style: "request",
    payload: msrpMessageReceivedCodec as EventCodec<unknown>,
    reply: msrpInboundReplyCodec as EventCodec<unknown>,
    publishers: ["msrp-edge"],
    consumers: ["chat-mapper", "groupchat-mapper"],
    summary: "A complete (reassembled) message; the reply decides the 200 or error status.",
  },
  {
    subject: "stox.v1.msrp.in.<owner>.report",
    style: "request",
    payload: msrpReportReceivedCodec as EventCodec<unknown>,
    reply: msrpInboundReplyCodec as EventCodec<unknown>,
    publishers: ["msrp-edge"],
    consumers: ["chat-mapper", "groupchat-mapper"],
    summary: "A REPORT about a message the session sent.",
  },
  {
    subject: "stox.v1.msrp.in.<owner>.nickname",
    style: "request",
    payload: msrpNicknameReceivedCodec as EventCodec<unknown>,
    reply: msrpInboundReplyCodec as EventCodec<unknown>,
    publishers: ["msrp-edge"],
    consumers: ["groupchat-mapper"],
    summary: "A NICKNAME request; the reply decides 200 / 403 / 424 / 425.",
  },
  {
    subject: "stox.v1.msrp.in.<owner>.closed",
    style: "event",
    payload: msrpSessionClosedCodec as EventCodec<unknown>,
    publishers: ["msrp-edge"],
    consumers: ["chat-mapper", "groupchat-mapper"],
    summary: "A session ended (requested, idle, connection lost, peer gone).",
  },
];

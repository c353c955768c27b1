// Realistic events of the kinds every chat message crosses the bus with (issue 8): the codec benchmark
// measures them, and the fast-path tests start their mutations from them.
import {
  type EventCodec,
  type SipRequestCommand,
  type SipRequestReceived,
  type SipResponseCommand,
  type SipResponseReceived,
  sipRequestCommandCodec,
  sipRequestReceived,
  sipResponseCommandCodec,
  sipResponseReceivedCodec,
  type XmlElement,
  type XmppSendResult,
  type XmppStanzaCommand,
  type XmppStanzaReceived,
  type XmppStanzaReply,
  xmppSendResultCodec,
  xmppStanzaCommandCodec,
  xmppStanzaReceivedCodec,
  xmppStanzaReplyCodec,
} from "../src/index.js";

const id = "5f0c7e52-1b7e-4c43-9f0e-2f6d1d0c9a11";
const at = "2026-11-23T03:51:28.123Z";

/** What sip-edge publishes on stox.v1.sip.in.message for a MESSAGE from a SIP client (S2X). */
export const sipMessageReceived: SipRequestReceived = {
  v: 1,
  id,
  at,
  method: "MESSAGE",
  requestUri: "sip:juliet%40xmpp.example@sip.gw.example;transport=tcp",
  from: { uri: "sip:romeo@sip.example", displayName: "Roméo", tag: "a73kszlfl" },
  to: { uri: "sip:juliet%40xmpp.example@sip.gw.example" },
  callId: "a84b4c76e66710@pc33.sip.example",
  cseq: 1,
  headers: [
    ["Via", "SIP/2.0/TCP pc33.sip.example:5060;branch=z9hG4bK776asdhds;received=192.0.2.4"],
    ["Max-Forwards", "70"],
    ["From", '"Roméo" <sip:romeo@sip.example>;tag=a73kszlfl'],
    ["To", "<sip:juliet%40xmpp.example@sip.gw.example>"],
    ["Call-ID", "a84b4c76e66710@pc33.sip.example"],
    ["CSeq", "1 MESSAGE"],
    ["Content-Type", "text/plain;charset=UTF-8"],
    ["Content-Length", "38"],
  ],
  transport: {
    protocol: "tcp",
    remote: { address: "192.0.2.4", port: 50612 },
    local: { address: "192.0.2.1", port: 5060 },
  },
  contentType: "text/plain;charset=UTF-8",
  body: "Art thou not Romeo, and a Montague? ✓",
  bodyEncoding: "utf8",
};

/** chat-mapper's answer to it. */
export const sipResponseOk: SipResponseCommand = { v: 1, id, at, ok: true, status: 200, reason: "OK" };

/** What chat-mapper asks sip-edge to send for an XMPP chat message (X2S). */
export const sipMessageCommand: SipRequestCommand = {
  v: 1,
  id,
  at,
  method: "MESSAGE",
  requestUri: "sip:romeo@sip.example",
  from: { uri: "sip:juliet%40xmpp.example@sip.gw.example", displayName: "Juliet", tag: "x2s-8d1f0a" },
  to: { uri: "sip:romeo@sip.example" },
  callId: "x2s-3b1e5d2c@sip.gw.example",
  cseq: 7,
  headers: [["Date", "Mon, 23 Nov 2026 03:51:28 GMT"]],
  contentType: "text/plain;charset=UTF-8",
  body: "Neither, fair saint, if either thee dislike.",
  bodyEncoding: "utf8",
};

/** sip-edge's reply: the 200 the SIP side sent back. */
export const sipResponseReceivedOk: SipResponseReceived = {
  v: 1,
  id,
  at,
  ok: true,
  status: 200,
  reason: "OK",
  headers: [
    ["Via", "SIP/2.0/UDP sip.gw.example:5060;branch=z9hG4bK-x2s-4f2a"],
    ["From", "<sip:juliet%40xmpp.example@sip.gw.example>;tag=x2s-8d1f0a"],
    ["To", "<sip:romeo@sip.example>;tag=9fxced76sl"],
    ["Call-ID", "x2s-3b1e5d2c@sip.gw.example"],
    ["CSeq", "7 MESSAGE"],
    ["Content-Length", "0"],
  ],
};

const chatStanza: XmlElement = {
  name: "message",
  attrs: { from: "romeo@sip.gw.example", to: "juliet@xmpp.example", type: "chat", id: "s2x-7c9e1b2a" },
  children: [
    { name: "body", attrs: {}, children: ["Art thou not Romeo, and a Montague? ✓"] },
    { name: "active", attrs: { xmlns: "http://jabber.org/protocol/chatstates" }, children: [] },
    { name: "request", attrs: { xmlns: "urn:xmpp:receipts" }, children: [] },
    { name: "origin-id", attrs: { xmlns: "urn:xmpp:sid:0", id: "s2x-7c9e1b2a" }, children: [] },
  ],
};

/** What chat-mapper asks xmpp-edge to send for the SIP MESSAGE (S2X). */
export const xmppMessageCommand: XmppStanzaCommand = { v: 1, id, at, stanza: chatStanza };

/** xmpp-edge's reply: a stream took it. */
export const xmppSendOk: XmppSendResult = { v: 1, id, at, ok: true };

/** What xmpp-edge publishes on stox.v1.xmpp.in.message for a chat message from an XMPP client (X2S). */
export const xmppMessageReceived: XmppStanzaReceived = {
  v: 1,
  id,
  at,
  stream: { mode: "component" },
  stanza: {
    name: "message",
    attrs: {
      from: "juliet@xmpp.example/balcony",
      to: "romeo%sip.example@sip.gw.example",
      type: "chat",
      id: "b8c2f1e0-5d3a",
      "xml:lang": "en",
    },
    children: [
      { name: "body", attrs: {}, children: ["Neither, fair saint, if either thee dislike."] },
      { name: "active", attrs: { xmlns: "http://jabber.org/protocol/chatstates" }, children: [] },
      { name: "request", attrs: { xmlns: "urn:xmpp:receipts" }, children: [] },
    ],
  },
};

/** chat-mapper's answer to it. */
export const xmppReplyOk: XmppStanzaReply = { v: 1, id, at, ok: true };

export interface HotEvent {
  readonly name: string;
  readonly codec: EventCodec<unknown>;
  readonly event: unknown;
}

export const hotEvents: readonly HotEvent[] = [
  {
    name: "sip.in.message (S2X)",
    codec: sipRequestReceived("message") as EventCodec<unknown>,
    event: sipMessageReceived,
  },
  { name: "sip.in reply 200", codec: sipResponseCommandCodec as EventCodec<unknown>, event: sipResponseOk },
  { name: "xmpp.out message (S2X)", codec: xmppStanzaCommandCodec as EventCodec<unknown>, event: xmppMessageCommand },
  { name: "xmpp.out reply ok", codec: xmppSendResultCodec as EventCodec<unknown>, event: xmppSendOk },
  { name: "xmpp.in message (X2S)", codec: xmppStanzaReceivedCodec as EventCodec<unknown>, event: xmppMessageReceived },
  { name: "xmpp.in reply ok", codec: xmppStanzaReplyCodec as EventCodec<unknown>, event: xmppReplyOk },
  {
    name: "sip.out.request MESSAGE (X2S)",
    codec: sipRequestCommandCodec as EventCodec<unknown>,
    event: sipMessageCommand,
  },
  {
    name: "sip.out.request reply 200",
    codec: sipResponseReceivedCodec as EventCodec<unknown>,
    event: sipResponseReceivedOk,
  },
];

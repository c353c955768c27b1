import type { Bus } from "@stox/bus";
import {
  newEventId,
  nowIso,
  SIP_OUT_REQUEST,
  type SipRequestCommand,
  type SipRequestReceived,
  type SipResponseCommand,
  type SipResponseReceived,
  sipInSubject,
  sipRequestCommandCodec,
  sipRequestReceived,
  sipResponseCommandCodec,
  sipResponseReceivedCodec,
  type XmlElement,
  type XmppSendResult,
  type XmppStanzaReply,
  xmppInSubject,
  xmppOutSubject,
  xmppSendResultCodec,
  xmppStanzaCommandCodec,
  xmppStanzaReceivedCodec,
  xmppStanzaReplyCodec,
} from "@stox/events";

type Reply<T> = T extends unknown ? Omit<T, "v" | "id" | "at"> : never;

/** On NATS a subscription goes live asynchronously: probe it until it answers. */
async function untilAnswered(probe: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await probe();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw new Error("fake edge never answered its probe");
}

/**
 * A stand-in for the xmpp-edge: takes xmpp.out.message in queue "xmpp-edge", records each stanza and answers
 * with `answer(stanza)` (default: written to the stream).
 */
export function fakeXmppEdge(bus: Bus, answer: (stanza: XmlElement) => Reply<XmppSendResult> = () => ({ ok: true })) {
  const stanzas: XmlElement[] = [];
  const sub = bus.subscribe(
    xmppOutSubject("message"),
    (msg) => {
      const { stanza } = xmppStanzaCommandCodec.decode(msg.data);
      if (stanza.name !== "probe") stanzas.push(stanza);
      const reply = { v: 1, id: newEventId(), at: nowIso(), ...answer(stanza) } as XmppSendResult;
      bus.respond(msg, xmppSendResultCodec.encode(reply));
    },
    { queue: "xmpp-edge" },
  );
  const ready = () =>
    untilAnswered(() =>
      bus.request(
        xmppOutSubject("message"),
        xmppStanzaCommandCodec.encode({
          v: 1,
          id: newEventId(),
          at: nowIso(),
          stanza: { name: "probe", attrs: {}, children: [] },
        }),
        { timeoutMs: 500 },
      ),
    );
  return { stanzas, ready, stop: () => sub.unsubscribe() };
}

/** A stand-in for the sip-edge: takes sip.out.request, records it and answers with `answer(command)`. */
export function fakeSipEdge(
  bus: Bus,
  answer: (cmd: SipRequestCommand) => Reply<SipResponseReceived> | Promise<Reply<SipResponseReceived>> = () => ({
    ok: true,
    status: 200,
    reason: "OK",
    headers: [],
  }),
) {
  const requests: SipRequestCommand[] = [];
  const sub = bus.subscribe(
    SIP_OUT_REQUEST,
    async (msg) => {
      const cmd = sipRequestCommandCodec.decode(msg.data);
      if (cmd.method !== "PROBE") requests.push(cmd);
      const reply = { v: 1, id: newEventId(), at: nowIso(), ...(await answer(cmd)) } as SipResponseReceived;
      bus.respond(msg, sipResponseReceivedCodec.encode(reply));
    },
    { queue: "sip-edge" },
  );
  const probe = {
    v: 1 as const,
    id: newEventId(),
    at: nowIso(),
    method: "PROBE",
    requestUri: "sip:p@p",
    from: { uri: "sip:p@p" },
    to: { uri: "sip:p@p" },
  };
  const ready = () =>
    untilAnswered(() => bus.request(SIP_OUT_REQUEST, sipRequestCommandCodec.encode(probe), { timeoutMs: 500 }));
  return { requests, ready, stop: () => sub.unsubscribe() };
}

/** What the sip-edge does with a MESSAGE it received: asks the mapper for the final response. */
export async function sipIn(bus: Bus, request: SipRequestReceived, timeoutMs = 5000): Promise<SipResponseCommand> {
  const msg = await bus.request(sipInSubject("message"), sipRequestReceived("message").encode(request), { timeoutMs });
  return sipResponseCommandCodec.decode(msg.data);
}

/** What the xmpp-edge does with a message for a SIP address: asks the mapper for the outcome. */
export async function xmppIn(bus: Bus, stanza: XmlElement, timeoutMs = 5000): Promise<XmppStanzaReply> {
  const event = { v: 1 as const, id: newEventId(), at: nowIso(), stanza, stream: { mode: "component" as const } };
  const msg = await bus.request(xmppInSubject("message"), xmppStanzaReceivedCodec.encode(event), { timeoutMs });
  return xmppStanzaReplyCodec.decode(msg.data);
}

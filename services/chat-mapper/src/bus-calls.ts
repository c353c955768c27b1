import { type Bus, NoRespondersError, RequestTimeoutError } from "@stox/bus";
import {
  type GatewayError,
  newEventId,
  nowIso,
  SIP_OUT_REQUEST,
  type SipRequestCommand,
  type SipResponseReceived,
  sipRequestCommandCodec,
  sipResponseReceivedCodec,
  type XmlElement,
  type XmppSendResult,
  xmppOutSubject,
  xmppSendResultCodec,
  xmppStanzaCommandCodec,
} from "@stox/events";

/** Outcome of asking the xmpp-edge to send a stanza: taken, or why not (never thrown). */
export type SendOutcome = { readonly ok: true } | { readonly ok: false; readonly error: GatewayError };

function busFailure(err: unknown, what: string): GatewayError {
  if (err instanceof RequestTimeoutError)
    return { code: "timeout", message: `${what} did not answer`, isRetryable: true };
  if (err instanceof NoRespondersError)
    return { code: "unavailable", message: `no ${what} is running`, isRetryable: true };
  throw err;
}

/** Asks the xmpp-edge to write a stanza; resolves once it did (IM-S2X-14) or could not. */
export async function sendStanza(bus: Bus, stanza: XmlElement, timeoutMs: number): Promise<SendOutcome> {
  const command = { v: 1 as const, id: newEventId(), at: nowIso(), stanza };
  let reply: XmppSendResult;
  try {
    const msg = await bus.request(xmppOutSubject("message"), xmppStanzaCommandCodec.encode(command), { timeoutMs });
    reply = xmppSendResultCodec.decode(msg.data);
  } catch (err) {
    return { ok: false, error: busFailure(err, "xmpp-edge") };
  }
  return reply.ok ? { ok: true } : { ok: false, error: reply.error };
}

/** Asks the sip-edge to send a request; resolves with the final response or the edge's failure. */
export async function sendSipRequest(
  bus: Bus,
  command: Omit<SipRequestCommand, "v" | "id" | "at">,
  timeoutMs: number,
): Promise<SipResponseReceived> {
  const full: SipRequestCommand = { v: 1, id: newEventId(), at: nowIso(), ...command };
  try {
    const msg = await bus.request(SIP_OUT_REQUEST, sipRequestCommandCodec.encode(full), { timeoutMs });
    return sipResponseReceivedCodec.decode(msg.data);
  } catch (err) {
    return { v: 1, id: newEventId(), at: nowIso(), ok: false, error: busFailure(err, "sip-edge") };
  }
}

import { SipParseError } from "./errors.js";
import type { SipRequest } from "./request.js";
import type { SipResponse } from "./response.js";
import { isSipUri } from "./uri.js";

/** Methods this package knows; a CSeq mismatch on any other method suggests 501 (RFC 4475 §3.1.2.18). */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  "INVITE",
  "ACK",
  "BYE",
  "CANCEL",
  "REGISTER",
  "OPTIONS",
  "INFO",
  "PRACK",
  "SUBSCRIBE",
  "NOTIFY",
  "UPDATE",
  "MESSAGE",
  "REFER",
  "PUBLISH",
]);

/**
 * Parses and checks what every element needs to handle a message (RFC 3261 §8.2, §16.3): one or more
 * Via, exactly one From, To, Call-ID and CSeq, Max-Forwards 0-255, a CSeq method matching the
 * request method, a Request-URI that parses and carries no headers (§19.1.1), and Contact.
 * Throws `SipParseError`; on success the parsed values are cached on the message.
 */
export function validateMessage(msg: SipRequest | SipResponse): void {
  let what = "Via";
  try {
    if (msg.via.length === 0) throw new SipParseError("missing Via header");
    what = "From";
    msg.from;
    what = "To";
    msg.to;
    what = "Call-ID";
    msg.callId;
    what = "CSeq";
    msg.cseq;
    what = "Max-Forwards";
    msg.maxForwards;
    what = "Contact";
    msg.contact;
    if (msg.isRequest) {
      what = "Request-URI";
      const uri = msg.requestUri;
      if (isSipUri(uri) && uri.headers.length > 0) throw new SipParseError("headers are not allowed in a Request-URI");
    }
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    throw new SipParseError(`${what}: ${e.message}`, { offset: e.offset, status: e.status, cause: e });
  }
  if (msg.isRequest && msg.cseq.method !== msg.method) {
    const status = KNOWN_METHODS.has(msg.method) ? 400 : 501;
    throw new SipParseError(`CSeq method ${msg.cseq.method} does not match ${msg.method}`, { status });
  }
}

import { newEventId, nowIso, type SipRequestReceived, type SipResponseReceived } from "@stox/events";
import type { NameAddr, SipRequest, SipResponse } from "@stox/sip-parser";
import { tagOf } from "./dialog/dialog-record.js";
import type { Source } from "./transport/types.js";

/** Headers the edge writes itself; values a mapper supplies for these are ignored. */
export const EDGE_OWNED_HEADERS = new Set([
  "via",
  "from",
  "to",
  "call-id",
  "cseq",
  "content-length",
  "max-forwards",
  "route",
  "record-route",
  "content-type",
]);

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A SIP body as event fields: UTF-8 text when it decodes, else base64. */
export function bodyFields(msg: SipRequest | SipResponse): {
  contentType?: string;
  body?: string;
  bodyEncoding?: "utf8" | "base64";
} {
  if (msg.body.length === 0) return {};
  const contentType = msg.header("content-type");
  let body: string;
  let bodyEncoding: "utf8" | "base64" = "utf8";
  try {
    body = utf8.decode(msg.body);
  } catch {
    body = msg.body.toString("base64");
    bodyEncoding = "base64";
  }
  return { ...(contentType === undefined ? {} : { contentType }), body, bodyEncoding };
}

/** Decodes an event body back to bytes. */
export function bodyBytes(body: string | undefined, encoding: "utf8" | "base64" | undefined): Buffer | undefined {
  if (body === undefined) return undefined;
  return encoding === "base64" ? Buffer.from(body, "base64") : Buffer.from(body, "utf8");
}

function party(addr: NameAddr): { uri: string; displayName?: string; tag?: string } {
  const tag = tagOf(addr);
  return {
    uri: addr.uri.raw,
    ...(addr.displayName === undefined ? {} : { displayName: addr.displayName }),
    ...(tag === undefined ? {} : { tag }),
  };
}

/** A received request as the canonical `SipRequestReceived` event. */
export function toRequestReceived(request: SipRequest, source: Source, dialogId?: string): SipRequestReceived {
  return {
    v: 1,
    id: newEventId(),
    at: nowIso(),
    method: request.method,
    requestUri: request.uri,
    from: party(request.from),
    to: party(request.to),
    callId: request.callId,
    cseq: request.cseq.seq,
    headers: request.headers.map((h) => [h.name, h.value] as [string, string]),
    transport: { protocol: source.protocol, remote: source.remote, local: source.local },
    ...(dialogId === undefined ? {} : { dialogId }),
    ...bodyFields(request),
  };
}

/** A final response (received or made locally) as the canonical reply to `stox.v1.sip.out.request`. */
export function toResponseReceived(response: SipResponse, isLocal: boolean, dialogId?: string): SipResponseReceived {
  return {
    v: 1,
    id: newEventId(),
    at: nowIso(),
    ok: true,
    status: response.status,
    reason: response.reason,
    headers: response.headers.map((h) => [h.name, h.value] as [string, string]),
    ...(isLocal ? { isLocal: true } : {}),
    ...(dialogId === undefined ? {} : { dialogId }),
    ...bodyFields(response),
  };
}

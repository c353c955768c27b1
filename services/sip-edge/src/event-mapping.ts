import { isUtf8 } from "node:buffer";
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
  const bytes = msg.body;
  if (bytes.length === 0) return {};
  const contentType = msg.header("content-type");
  const body = bodyText(bytes);
  const fields: { contentType?: string; body?: string; bodyEncoding?: "utf8" | "base64" } = {};
  if (contentType !== undefined) fields.contentType = contentType;
  fields.body = body ?? bytes.toString("base64");
  fields.bodyEncoding = body === undefined ? "base64" : "utf8";
  return fields;
}

/** The body as text when it is valid UTF-8 (a leading BOM dropped, as TextDecoder does), else undefined. */
function bodyText(bytes: Buffer): string | undefined {
  // isUtf8 + toString is several times cheaper than a fatal TextDecoder; the BOM case keeps the decoder.
  if (bytes[0] !== 0xef && isUtf8(bytes)) return bytes.toString("utf8");
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Decodes an event body back to bytes. */
export function bodyBytes(body: string | undefined, encoding: "utf8" | "base64" | undefined): Buffer | undefined {
  if (body === undefined) return undefined;
  return encoding === "base64" ? Buffer.from(body, "base64") : Buffer.from(body, "utf8");
}

function party(addr: NameAddr): { uri: string; displayName?: string; tag?: string } {
  const out: { uri: string; displayName?: string; tag?: string } = { uri: addr.uri.raw };
  if (addr.displayName !== undefined) out.displayName = addr.displayName;
  const tag = tagOf(addr);
  if (tag !== undefined) out.tag = tag;
  return out;
}

/** Header lines as event tuples, names as received. */
function headerTuples(msg: SipRequest | SipResponse): [string, string][] {
  const headers = msg.headers;
  const out: [string, string][] = new Array(headers.length);
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as { name: string; value: string };
    out[i] = [h.name, h.value];
  }
  return out;
}

/** A received request as the canonical `SipRequestReceived` event. */
export function toRequestReceived(request: SipRequest, source: Source, dialogId?: string): SipRequestReceived {
  const event: SipRequestReceived = {
    v: 1,
    id: newEventId(),
    at: nowIso(),
    method: request.method,
    requestUri: request.uri,
    from: party(request.from),
    to: party(request.to),
    callId: request.callId,
    cseq: request.cseq.seq,
    headers: headerTuples(request),
    transport: { protocol: source.protocol, remote: source.remote, local: source.local },
  };
  if (dialogId !== undefined) event.dialogId = dialogId;
  if (request.body.length > 0) Object.assign(event, bodyFields(request));
  return event;
}

/** A final response (received or made locally) as the canonical reply to `stox.v1.sip.out.request`. */
export function toResponseReceived(response: SipResponse, isLocal: boolean, dialogId?: string): SipResponseReceived {
  const event: SipResponseReceived & { ok: true } = {
    v: 1,
    id: newEventId(),
    at: nowIso(),
    ok: true,
    status: response.status,
    reason: response.reason,
    headers: headerTuples(response),
  };
  if (isLocal) event.isLocal = true;
  if (dialogId !== undefined) event.dialogId = dialogId;
  if (response.body.length > 0) Object.assign(event, bodyFields(response));
  return event;
}

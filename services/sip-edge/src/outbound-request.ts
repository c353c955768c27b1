import { randomUUID } from "node:crypto";
import type { SipRequestCommand } from "@stox/events";
import { createRequest, formatNameAddr, generateTag, type SipRequest } from "@stox/sip-parser";
import type { DialogRecord } from "./dialog/dialog-record.js";
import { bodyBytes, EDGE_OWNED_HEADERS } from "./event-mapping.js";

export interface OutgoingParts {
  /** `SIP/2.0/UDP host:port;branch=...;rport`. */
  readonly via: string;
  /** The edge's Contact, added to requests that can create or refresh a dialog. */
  readonly contact: string;
  /** Route values to pre-load (outbound proxy), for requests outside a dialog. */
  readonly preloadedRoute?: string;
}

const CONTACT_METHODS = new Set(["INVITE", "SUBSCRIBE", "NOTIFY", "UPDATE", "REFER"]);

function extraHeaders(cmd: SipRequestCommand, method: string, contact: string): [string, string][] {
  const out: [string, string][] = [];
  let hasContact = false;
  for (const [name, value] of cmd.headers ?? []) {
    const lower = name.toLowerCase();
    if (EDGE_OWNED_HEADERS.has(lower)) continue;
    if (lower === "contact" || lower === "m") hasContact = true;
    out.push([name, value]);
  }
  if (!hasContact && CONTACT_METHODS.has(method)) out.push(["Contact", contact]);
  // A body is sent exactly when the command has one (see bodyBytes); no need to decode it here too.
  if (cmd.body !== undefined && cmd.contentType !== undefined) out.push(["Content-Type", cmd.contentType]);
  return out;
}

/** The command's body for createRequest: UTF-8 text as is (createRequest encodes it once), base64 decoded. */
function requestBody(cmd: SipRequestCommand): Buffer | string | undefined {
  if (cmd.body === undefined || cmd.bodyEncoding !== "base64") return cmd.body;
  return bodyBytes(cmd.body, "base64");
}

/**
 * A request outside any dialog (RFC 3261 §8.1.1): a new Call-ID (unless given), a From-tag, CSeq 1,
 * Max-Forwards 70, and the mapper's extra headers.
 */
export function buildNewRequest(cmd: SipRequestCommand, parts: OutgoingParts): SipRequest {
  const method = cmd.method.toUpperCase();
  const fromTag = cmd.from.tag ?? generateTag();
  const from = `${formatNameAddr({ displayName: cmd.from.displayName, uri: cmd.from.uri })};tag=${fromTag}`;
  const toTag = cmd.to.tag === undefined ? "" : `;tag=${cmd.to.tag}`;
  const to = `${formatNameAddr({ displayName: cmd.to.displayName, uri: cmd.to.uri })}${toTag}`;
  const headers: [string, string][] = [
    ["Via", parts.via],
    ["Max-Forwards", "70"],
  ];
  if (parts.preloadedRoute !== undefined) headers.push(["Route", parts.preloadedRoute]);
  headers.push(
    ["From", from],
    ["To", to],
    ["Call-ID", cmd.callId ?? randomUUID()],
    [
      "CSeq",
      // A mapper may number out-of-dialog requests that share a Call-ID (RFC 7572 threads); otherwise 1.
      `${cmd.cseq ?? 1} ${method}`,
    ],
  );
  for (const h of extraHeaders(cmd, method, parts.contact)) headers.push(h);
  const body = requestBody(cmd);
  return createRequest({ method, uri: cmd.requestUri, headers, ...(body === undefined ? {} : { body }) });
}

/**
 * A request inside a dialog (RFC 3261 §12.2.1.1): Request-URI = remote target, Route = route set
 * (loose routing), From/To with the dialog tags, the given CSeq. The command's URI and parties are
 * ignored: the dialog decides them.
 */
export function buildInDialogRequest(
  cmd: SipRequestCommand,
  dialog: DialogRecord,
  cseq: number,
  parts: OutgoingParts,
): SipRequest {
  const method = cmd.method.toUpperCase();
  const headers: [string, string][] = [
    ["Via", parts.via],
    ["Max-Forwards", "70"],
  ];
  for (const r of dialog.routeSet) headers.push(["Route", r]);
  headers.push(
    ["From", `${dialog.localAddr};tag=${dialog.localTag}`],
    ["To", `${dialog.remoteAddr};tag=${dialog.remoteTag}`],
    ["Call-ID", dialog.callId],
    ["CSeq", `${cseq} ${method}`],
  );
  for (const h of extraHeaders(cmd, method, parts.contact)) headers.push(h);
  const body = requestBody(cmd);
  return createRequest({ method, uri: dialog.remoteTarget, headers, ...(body === undefined ? {} : { body }) });
}

/** RFC 3261 §13.2.2.4: the ACK for a 2xx is a new transaction-less request in the dialog, same CSeq number. */
export function buildAck2xx(dialog: DialogRecord, cseq: number, via: string): SipRequest {
  const headers: [string, string][] = [
    ["Via", via],
    ["Max-Forwards", "70"],
  ];
  for (const r of dialog.routeSet) headers.push(["Route", r]);
  headers.push(
    ["From", `${dialog.localAddr};tag=${dialog.localTag}`],
    ["To", `${dialog.remoteAddr};tag=${dialog.remoteTag}`],
    ["Call-ID", dialog.callId],
    ["CSeq", `${cseq} ACK`],
  );
  return createRequest({ method: "ACK", uri: dialog.remoteTarget, headers });
}

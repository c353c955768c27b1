import { toKvKey } from "@stox/events";
import { findParam, formatNameAddr, type NameAddr, type SipRequest, type SipResponse } from "@stox/sip-parser";
import type { TransportProtocol } from "../transport/types.js";

/** RFC 3261 §12: the state a UA keeps per dialog, as stored in the `sip-dialogs` KV bucket (JSON). */
export interface DialogRecord {
  readonly v: 1;
  readonly id: string;
  readonly usage: "invite" | "subscribe";
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** Local and remote party as name-addr without tag (From/To of requests we send). */
  readonly localAddr: string;
  readonly remoteAddr: string;
  readonly localCseq: number;
  /** null until the remote side sends a request in the dialog. */
  readonly remoteCseq: number | null;
  readonly remoteTarget: string;
  /** Route header values, in the order they go into requests. */
  readonly routeSet: readonly string[];
  readonly isSecure: boolean;
  /** Transport the dialog was made on; the default for requests to the remote target. */
  readonly protocol: TransportProtocol;
  /**
   * Stream transports: the peer's source address of the connection the dialog was made on. Requests go
   * back over that connection while it is open (RFC 5923 reuse; the only way to reach WebSocket clients).
   */
  readonly flow?: { readonly address: string; readonly port: number };
  readonly createdAt: string;
}

/** Dialog ids double as KV keys: Call-ID, local tag and remote tag, each base64url-encoded. */
export function dialogIdOf(callId: string, localTag: string, remoteTag: string): string {
  return toKvKey(callId, localTag, remoteTag);
}

export function tagOf(addr: NameAddr): string | undefined {
  return findParam(addr.params, "tag")?.value ?? undefined;
}

function withoutTag(addr: NameAddr): string {
  return formatNameAddr({
    displayName: addr.displayName,
    uri: addr.uri,
    params: addr.params.filter((p) => p.name.toLowerCase() !== "tag"),
  });
}

function firstContact(msg: SipRequest | SipResponse): string | undefined {
  return msg.contact[0]?.uri.raw;
}

/**
 * RFC 3261 §12.1.1: the UAS side of a dialog made by answering `request` with a 2xx (or a NOTIFY's
 * 2xx for RFC 6665 subscriptions): route set = Record-Route as received, remote target = Contact.
 */
export function dialogFromUas(
  request: SipRequest,
  localTag: string,
  protocol: TransportProtocol,
  flow?: { readonly address: string; readonly port: number },
): DialogRecord {
  const remoteTag = tagOf(request.from) ?? "";
  return {
    v: 1,
    id: dialogIdOf(request.callId, localTag, remoteTag),
    usage: request.method === "INVITE" ? "invite" : "subscribe",
    callId: request.callId,
    localTag,
    remoteTag,
    localAddr: withoutTag(request.to),
    remoteAddr: withoutTag(request.from),
    localCseq: Math.floor(Math.random() * 10_000) + 1,
    remoteCseq: request.cseq.seq,
    remoteTarget: firstContact(request) ?? request.from.uri.raw,
    routeSet: request.recordRoute.map((r) => formatNameAddr(r)),
    isSecure: request.requestUri.scheme === "sips" && protocol === "tls",
    protocol,
    ...(protocol === "udp" || flow === undefined ? {} : { flow }),
    createdAt: new Date().toISOString(),
  };
}

/** RFC 3261 §12.1.2: the UAC side from a 2xx: route set = Record-Route reversed, remote target = Contact. */
export function dialogFromUac(request: SipRequest, response: SipResponse, protocol: TransportProtocol): DialogRecord {
  const localTag = tagOf(request.from) ?? "";
  const remoteTag = tagOf(response.to) ?? "";
  return {
    v: 1,
    id: dialogIdOf(request.callId, localTag, remoteTag),
    usage: request.method === "INVITE" ? "invite" : "subscribe",
    callId: request.callId,
    localTag,
    remoteTag,
    localAddr: withoutTag(request.from),
    remoteAddr: withoutTag(response.to),
    localCseq: request.cseq.seq,
    remoteCseq: null,
    remoteTarget: firstContact(response) ?? request.uri,
    routeSet: [...response.recordRoute].reverse().map((r) => formatNameAddr(r)),
    isSecure: request.requestUri.scheme === "sips",
    protocol,
    createdAt: new Date().toISOString(),
  };
}

/**
 * An outgoing SUBSCRIBE not yet answered: enough to build the dialog when a NOTIFY arrives before the
 * 2xx (RFC 6665 §4.1.2.4), possibly at another edge instance.
 */
export interface PendingSubscription {
  readonly callId: string;
  readonly localTag: string;
  readonly localAddr: string;
  readonly localCseq: number;
  readonly isSecure: boolean;
  readonly protocol: TransportProtocol;
}

export function pendingSubscriptionKey(callId: string, localTag: string): string {
  return toKvKey("pending-subscribe", callId, localTag);
}

export function pendingFromSubscribe(request: SipRequest, protocol: TransportProtocol): PendingSubscription {
  return {
    callId: request.callId,
    localTag: tagOf(request.from) ?? "",
    localAddr: withoutTag(request.from),
    localCseq: request.cseq.seq,
    isSecure: request.requestUri.scheme === "sips",
    protocol,
  };
}

/** RFC 6665 §4.1.2.4: a NOTIFY for a pending SUBSCRIBE creates the dialog (route set as a UAS would take it). */
export function dialogFromNotify(
  pending: PendingSubscription,
  notify: SipRequest,
  protocol: TransportProtocol,
): DialogRecord {
  const remoteTag = tagOf(notify.from) ?? "";
  return {
    v: 1,
    id: dialogIdOf(pending.callId, pending.localTag, remoteTag),
    usage: "subscribe",
    callId: pending.callId,
    localTag: pending.localTag,
    remoteTag,
    localAddr: pending.localAddr,
    remoteAddr: withoutTag(notify.from),
    localCseq: pending.localCseq,
    remoteCseq: notify.cseq.seq,
    remoteTarget: firstContact(notify) ?? notify.from.uri.raw,
    routeSet: notify.recordRoute.map((r) => formatNameAddr(r)),
    isSecure: pending.isSecure,
    protocol,
    createdAt: new Date().toISOString(),
  };
}

/** Methods that refresh the remote target (RFC 3261 §12.2, RFC 6665 §4.1.2.2 / §4.2.1). */
export const TARGET_REFRESH = new Set(["INVITE", "UPDATE", "SUBSCRIBE", "NOTIFY", "REFER"]);

import { findParam, isRfc3261Branch, type SipMessage, type Via } from "@stox/sip-parser";

/**
 * RFC 3261 §17.2.3: a request matches a server transaction by top Via branch, sent-by and method
 * (ACK matches INVITE). For pre-RFC 3261 branches, §17.2.3's fallback: Request-URI, tags, Call-ID, CSeq
 * number, top Via (a close approximation of the full rule).
 */
export function serverTransactionKey(
  request: SipMessage & { method: string; uri: string },
  method = request.method,
): string {
  const via = request.via[0] as Via;
  const m = method === "ACK" ? "INVITE" : method;
  if (isRfc3261Branch(via.branch)) return `${via.branch}|${via.host.toLowerCase()}:${via.port ?? ""}|${m}`;
  const fromTag = findParam(request.from.params, "tag")?.value ?? "";
  return `2543|${request.uri}|${fromTag}|${request.callId}|${request.cseq.seq}|${via.host}:${via.port ?? ""}|${m}`;
}

/** RFC 3261 §17.1.3: a response matches a client transaction by top Via branch and CSeq method. */
export function clientTransactionKey(branch: string, method: string): string {
  return `${branch}|${method === "ACK" ? "INVITE" : method}`;
}

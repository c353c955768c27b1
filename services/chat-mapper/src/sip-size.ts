// IM-SIZE-04: the limit applies to the whole serialized request. The mapper does not see the Via, branch and
// Max-Forwards the sip-edge adds, so it counts them with a generous allowance: a Via with a 39-character
// host, port, transport, 32-character branch and rport is below this.
const EDGE_HEADERS_ALLOWANCE_BYTES = 120;

export interface SipMessageSize {
  readonly requestUri: string;
  readonly fromUri: string;
  readonly fromTag: string;
  readonly toUri: string;
  readonly callId: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly contentType: string;
  readonly body: string;
}

/** Bytes of the MESSAGE as the edge will write it (start line, headers, CRLFs, body), plus the allowance. */
export function estimateSipMessageBytes(m: SipMessageSize): number {
  const bodyBytes = Buffer.byteLength(m.body, "utf8");
  const lines = [
    `MESSAGE ${m.requestUri} SIP/2.0`,
    "Max-Forwards: 70",
    `From: <${m.fromUri}>;tag=${m.fromTag}`,
    `To: <${m.toUri}>`,
    `Call-ID: ${m.callId}`,
    "CSeq: 4294967295 MESSAGE",
    ...m.headers.map(([n, v]) => `${n}: ${v}`),
    `Content-Type: ${m.contentType}`,
    `Content-Length: ${bodyBytes}`,
  ];
  const head = lines.reduce((sum, line) => sum + Buffer.byteLength(line, "utf8") + 2, 2);
  return head + bodyBytes + EDGE_HEADERS_ALLOWANCE_BYTES;
}

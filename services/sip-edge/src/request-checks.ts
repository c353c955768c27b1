import { createResponse, type SipRequest, type SipResponse } from "@stox/sip-parser";

export interface RequestPolicy {
  /** Methods the edge accepts (uppercase); the rest get 405 with Allow. */
  readonly allowedMethods: readonly string[];
  /** Option tags the edge supports (Require checks, Supported header). */
  readonly supportedExtensions: readonly string[];
  /** URI schemes accepted in the Request-URI. */
  readonly uriSchemes: readonly string[];
  /** Largest body accepted; larger gets 413. */
  readonly maxBodyBytes: number;
  /** The edge's own sent-by values ("host:port"), for Via loop detection. */
  readonly ownSentBy: readonly string[];
}

/**
 * The checks a UAS makes before handing a request on (RFC 3261 §8.2.1-§8.2.3, §16.3): returns the
 * error response to send, or undefined when the request may proceed. ACK never gets a response.
 */
export function checkRequest(request: SipRequest, policy: RequestPolicy): SipResponse | undefined {
  if (request.method === "ACK") return undefined;
  if (request.version.toUpperCase() !== "SIP/2.0") return createResponse(request, 505);
  const scheme = request.requestUri.scheme.toLowerCase();
  // RFC 3261 §8.2.2.1: a Request-URI scheme we do not understand is answered 416.
  if (!policy.uriSchemes.includes(scheme)) return createResponse(request, 416);
  // RFC 3261 §16.3 step 3 / §8.2.2: Max-Forwards 0 ends the request; OPTIONS may still be answered.
  if (request.maxForwards === 0 && request.method !== "OPTIONS") {
    return createResponse(request, 483);
  }
  if (hasLoop(request, policy.ownSentBy)) return createResponse(request, 482, { reason: "Loop Detected" });
  // RFC 3261 §8.2.1: an unsupported method gets 405 and an Allow header.
  if (!policy.allowedMethods.includes(request.method)) {
    return createResponse(request, 405, { headers: [["Allow", policy.allowedMethods.join(", ")]] });
  }
  if (request.body.length > policy.maxBodyBytes) return createResponse(request, 413);
  // RFC 3261 §8.2.2.3: unknown Require tags get 420 listing them in Unsupported (never for CANCEL).
  if (request.method !== "CANCEL") {
    const unknown = request.tokenList("require").filter((t) => !policy.supportedExtensions.includes(t.toLowerCase()));
    if (unknown.length > 0) return createResponse(request, 420, { headers: [["Unsupported", unknown.join(", ")]] });
  }
  return undefined;
}

/** RFC 3261 §16.3 step 4 (loop detection): our own sent-by below the top Via means the request came back. */
function hasLoop(request: SipRequest, ownSentBy: readonly string[]): boolean {
  const vias = request.via;
  for (let i = 1; i < vias.length; i++) {
    const v = vias[i];
    if (v !== undefined && ownSentBy.includes(`${v.host.toLowerCase()}:${v.port ?? 5060}`)) return true;
  }
  return false;
}

export interface Capabilities {
  readonly allowedMethods: readonly string[];
  readonly accept: readonly string[];
  readonly supportedExtensions: readonly string[];
}

/** RFC 3261 §11.2: the 200 to OPTIONS lists Allow, Accept, Accept-Encoding, Accept-Language, Supported. */
export function answerOptions(request: SipRequest, caps: Capabilities): SipResponse {
  return createResponse(request, 200, {
    headers: [
      ["Allow", caps.allowedMethods.join(", ")],
      ["Accept", caps.accept.join(", ")],
      ["Accept-Encoding", "identity"],
      ["Accept-Language", "en"],
      ["Supported", caps.supportedExtensions.join(", ")],
    ],
  });
}

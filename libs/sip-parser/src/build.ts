import { randomFillSync } from "node:crypto";
import { SipParseError } from "./errors.js";
import { checkHeaderText } from "./header-fields.js";
import { headerKey } from "./header-names.js";
import { parseNameAddr } from "./name-addr.js";
import { findParam } from "./params.js";
import { REASON_PHRASES } from "./reason-phrases.js";
import { SipRequest } from "./request.js";
import { SipResponse } from "./response.js";

export type HeaderInput = readonly (readonly [string, string])[];

export interface RequestInit {
  readonly method: string;
  readonly uri: string;
  readonly headers?: HeaderInput;
  readonly body?: Uint8Array | string;
}

function toBody(body: Uint8Array | string | undefined): Buffer | undefined {
  if (body === undefined) return undefined;
  return typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
}

function split(headers: HeaderInput): [string[], string[], string[]] {
  const names: string[] = [];
  const keys: string[] = [];
  const values: string[] = [];
  for (const [name, value] of headers) {
    checkHeaderText(name, value);
    names.push(name);
    keys.push(headerKey(name));
    values.push(value);
  }
  return [names, keys, values];
}

/** Builds a request from parts. Nothing is validated until `validateMessage` or serialization. */
export function createRequest(init: RequestInit): SipRequest {
  if (!/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(init.method)) throw new SipParseError(`bad method "${init.method}"`);
  if (/[\s]/.test(init.uri)) throw new SipParseError("Request-URI contains whitespace");
  const [names, keys, values] = split(init.headers ?? []);
  return new SipRequest(init.method, init.uri, "SIP/2.0", names, keys, values, toBody(init.body));
}

// Tags and branches come from one pool of CSPRNG bytes: a randomFillSync call per few hundred ids instead
// of a randomBytes call (and its Buffer) per id. Each byte is handed out once.
const RANDOM_POOL_BYTES = 4096;
const randomPool = Buffer.alloc(RANDOM_POOL_BYTES);
let randomPoolAt = RANDOM_POOL_BYTES;

function randomText(bytes: number, encoding: "hex" | "base64url"): string {
  if (randomPoolAt + bytes > RANDOM_POOL_BYTES) {
    randomFillSync(randomPool);
    randomPoolAt = 0;
  }
  const text = randomPool.toString(encoding, randomPoolAt, randomPoolAt + bytes);
  randomPoolAt += bytes;
  return text;
}

/** A fresh random To/From tag: 64 bits as 16 hex digits (RFC 3261 §19.3: at least 32 bits of randomness). */
export function generateTag(): string {
  return randomText(8, "hex");
}

/** A fresh Via branch (RFC 3261 §8.1.1.7): the magic cookie and 72 random bits as 12 base64url characters. */
export function generateBranch(): string {
  return `z9hG4bK${randomText(9, "base64url")}`;
}

export interface ResponseInit {
  /** Reason phrase; defaults to the RFC 3261 §21 phrase for the status. */
  readonly reason?: string;
  /** To-tag to add when the request's To has none (RFC 3261 §8.2.6.2); default a fresh tag. Not added for 100. */
  readonly toTag?: string;
  /** Extra headers appended after the copied ones. */
  readonly headers?: HeaderInput;
  readonly body?: Uint8Array | string;
}

/**
 * Builds a response to `request` per RFC 3261 §8.2.6.2: Via lines (in order), From, To, Call-ID and
 * CSeq copied as written, and a To-tag added when the request had none (except for 100 Trying).
 * Record-Route is copied for 18x/2xx answers to requests that can create a dialog (§12.1.1).
 */
export function createResponse(request: SipRequest, status: number, init: ResponseInit = {}): SipResponse {
  if (!Number.isInteger(status) || status < 100 || status > 699) throw new SipParseError(`bad status ${status}`);
  const headers: [string, string][] = [];
  for (const v of request.headerValues("via")) headers.push(["Via", v]);
  const from = request.header("from");
  let to = request.header("to");
  const callId = request.header("call-id");
  const cseq = request.header("cseq");
  if (from === undefined || to === undefined || callId === undefined || cseq === undefined) {
    throw new SipParseError("request lacks From, To, Call-ID or CSeq; no response can be built");
  }
  if (status > 100 && findParam(request.to.params, "tag") === undefined)
    to = `${to};tag=${init.toTag ?? generateTag()}`;
  headers.push(["From", from], ["To", to], ["Call-ID", callId], ["CSeq", cseq]);
  const isDialogAnswer = (status >= 180 && status < 300) || status === 101;
  if (isDialogAnswer && (request.method === "INVITE" || request.method === "SUBSCRIBE")) {
    for (const v of request.headerValues("record-route")) headers.push(["Record-Route", v]);
  }
  for (const h of init.headers ?? []) headers.push([h[0], h[1]]);
  const [names, keys, values] = split(headers);
  const reason = init.reason ?? REASON_PHRASES[status] ?? "";
  if (/[\r\n]/.test(reason)) throw new SipParseError("reason phrase contains CR or LF");
  return new SipResponse(status, reason, "SIP/2.0", names, keys, values, toBody(init.body));
}

/**
 * The response an edge sends for a request that failed to parse (RFC 3261 §8.2.6.2 via the error's
 * `context`), or `undefined` when the error is not answerable (a response, or headers missing).
 * The reason phrase is the standard one for `error.status`; the error text is not reflected to the peer.
 */
export function createErrorResponse(error: SipParseError, toTag: string = generateTag()): SipResponse | undefined {
  const c = error.context;
  if (!error.isAnswerable || c === undefined) return undefined;
  const headers: [string, string][] = c.via.map((v) => ["Via", v] as [string, string]);
  let to = c.to as string;
  if (!hasTag(to)) to = `${to};tag=${toTag}`;
  headers.push(["From", c.from as string], ["To", to], ["Call-ID", c.callId as string], ["CSeq", c.cseq as string]);
  const [names, keys, values] = split(headers);
  return new SipResponse(error.status, error.reason, "SIP/2.0", names, keys, values);
}

/** Whether a (possibly malformed) To value already carries a tag parameter. */
function hasTag(to: string): boolean {
  try {
    return findParam(parseNameAddr(to).params, "tag") !== undefined;
  } catch {
    return /;\s*tag\s*=/i.test(to);
  }
}

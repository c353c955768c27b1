import { parseByteRange } from "./byte-range.js";
import { MsrpParseError, type MsrpRequestContext } from "./errors.js";
import { isIdent } from "./ident.js";
import type { FailureReport, MsrpHeader, MsrpRequest, MsrpResponse, MsrpStatus, MsrpUri } from "./types.js";
import { parseMsrpUri } from "./uri.js";
import { parseUseNickname } from "./use-nickname.js";

/** The start line: a request (`method`) or a response (`statusCode`). */
export type StartLine =
  | { readonly kind: "request"; readonly transactionId: string; readonly method: string }
  | {
      readonly kind: "response";
      readonly transactionId: string;
      readonly statusCode: number;
      readonly comment?: string;
    };

/** A request or response without body and end flag: what the header block says. */
export type MsrpHead = RequestHead | MsrpResponse;
type RequestHead = Omit<MsrpRequest, "body" | "endFlag">;

// RFC 4975 §9: req-start = "MSRP" SP transact-id SP method; resp-start = "MSRP" SP transact-id SP 3DIGIT [SP comment]
const START = /^MSRP ([^ ]+) ([^ ]+)(?: (.*))?$/;
const METHOD = /^[A-Z]+$/;
const STATUS_CODE = /^\d{3}$/;
// hname = ALPHA *token; the value is utf8text (HTAB, printable, non-ASCII; no other controls).
export const HEADER_NAME = /^[A-Za-z][!#-'*+\-.0-9A-Z^-~]*$/;
export const MEDIA_TYPE = /^[!#-'*+\-.0-9A-Z^-~]+\/[!#-'*+\-.0-9A-Z^-~]+(\s*;.*)?$/;
const STATUS_VALUE = /^(\d{3}) (\d{3})(?: (.*))?$/;

/** utf8text (RFC 4975 §9) allows HTAB and no other control character. */
export function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

export function parseStartLine(line: string): StartLine | string {
  const m = START.exec(line);
  if (!m?.[1] || !m[2]) return "start line must be: MSRP <transaction-id> <method|status>";
  const transactionId = m[1];
  if (!isIdent(transactionId)) return "bad transaction id";
  if (STATUS_CODE.test(m[2])) {
    if (m[3] !== undefined && hasControl(m[3])) return "control character in comment";
    return { kind: "response", transactionId, statusCode: Number(m[2]), ...(m[3] ? { comment: m[3] } : {}) };
  }
  if (m[3] !== undefined || !METHOD.test(m[2])) return "method must be upper-case letters";
  return { kind: "request", transactionId, method: m[2] };
}

const SINGLETONS = new Set([
  "message-id",
  "byte-range",
  "success-report",
  "failure-report",
  "status",
  "use-nickname",
  "content-type",
]);

function isMimeHeader(lowerName: string): boolean {
  return lowerName.startsWith("content-") && lowerName !== "content-type";
}

/**
 * Parsed To-Path/From-Path values by their text. One connection repeats the same few paths, so a small
 * cache per framer saves most URI parsing. Cached arrays are shared between messages (they are readonly).
 */
export class PathCache {
  readonly #entries = new Map<string, readonly MsrpUri[]>();
  constructor(readonly maxEntries = 32) {}
  get(text: string): readonly MsrpUri[] | undefined {
    return this.#entries.get(text);
  }
  set(text: string, uris: readonly MsrpUri[]): void {
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    this.#entries.set(text, uris);
  }
}

class HeadBuilder {
  context: MsrpRequestContext;
  constructor(
    readonly start: StartLine,
    readonly offset: number,
    readonly pathCache: PathCache | undefined,
  ) {
    this.context = {
      transactionId: start.transactionId,
      ...(start.kind === "request" ? { method: start.method } : {}),
    };
  }
  fail(reason: string): never {
    throw new MsrpParseError(reason, { statusCode: 400, offset: this.offset, context: this.context });
  }
  paths(name: string, value: string): readonly MsrpUri[] {
    const cached = this.pathCache?.get(value);
    if (cached !== undefined) return cached;
    try {
      const parsed = value.split(" ").map((p) => parseMsrpUri(p));
      this.pathCache?.set(value, parsed);
      return parsed;
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      throw new MsrpParseError(`${name}: ${message}`, { statusCode: 400, offset: this.offset, context: this.context });
    }
  }
}

function splitHeader(b: HeadBuilder, line: string): MsrpHeader {
  const colon = line.indexOf(":");
  if (colon <= 0) b.fail(`header line without name: ${JSON.stringify(line.slice(0, 60))}`);
  const name = line.slice(0, colon);
  if (!HEADER_NAME.test(name)) b.fail(`bad header name ${JSON.stringify(name.slice(0, 60))}`);
  const value = line
    .slice(colon + 1)
    .replace(/^[ \t]+/, "")
    .replace(/[ \t]+$/, "");
  if (hasControl(value)) b.fail(`control character in ${name}`);
  return { name, value };
}

function parseStatus(b: HeadBuilder, value: string): MsrpStatus {
  const m = STATUS_VALUE.exec(value);
  if (!m?.[1] || !m[2]) b.fail("Status must be: <namespace> <code> [comment]");
  return { namespace: m[1], code: Number(m[2]), ...(m[3] ? { comment: m[3] } : {}) };
}

/**
 * Interprets the header lines of one frame. `hasBody` says whether a blank line followed them.
 * Throws {@link MsrpParseError} (status 400) carrying whatever of the request is known so far.
 */
export function parseHead(
  start: StartLine,
  lines: readonly string[],
  hasBody: boolean,
  offset = 0,
  pathCache?: PathCache,
): MsrpHead {
  const b = new HeadBuilder(start, offset, pathCache);
  const [toLine, fromLine, ...rest] = lines;
  // RFC 4975 §9 (MSRP-FMT-02): To-Path first, From-Path second.
  if (toLine === undefined || fromLine === undefined) b.fail("To-Path and From-Path are required");
  const to = splitHeader(b, toLine as string);
  const from = splitHeader(b, fromLine as string);
  if (to.name.toLowerCase() !== "to-path") b.fail("To-Path must be the first header");
  if (from.name.toLowerCase() !== "from-path") b.fail("From-Path must be the second header");
  const toPath = b.paths("To-Path", to.value);
  b.context = { ...b.context, toPath };
  const fromPath = b.paths("From-Path", from.value);
  b.context = { ...b.context, fromPath };

  const seen = new Set<string>();
  const known = new Map<string, string>();
  const extensionHeaders: MsrpHeader[] = [];
  const mimeHeaders: MsrpHeader[] = [];
  for (const [i, line] of rest.entries()) {
    const header = splitHeader(b, line);
    const lower = header.name.toLowerCase();
    if (lower === "to-path" || lower === "from-path") b.fail(`${header.name} repeated`);
    if (SINGLETONS.has(lower)) {
      if (seen.has(lower)) b.fail(`${header.name} repeated`);
      seen.add(lower);
      known.set(lower, header.value);
      // RFC 4975 §7.1 (MSRP-FMT-03): Content-Type is the last header.
      if (lower === "content-type" && i !== rest.length - 1) b.fail("Content-Type must be the last header");
      if (lower === "failure-report") b.context = { ...b.context, failureReport: header.value };
      if (lower === "message-id") b.context = { ...b.context, messageId: header.value };
    } else if (isMimeHeader(lower)) {
      mimeHeaders.push(header);
    } else {
      extensionHeaders.push(header);
    }
  }

  if (start.kind === "response") {
    if (hasBody || known.has("content-type") || mimeHeaders.length > 0) b.fail("responses carry no body");
    return {
      kind: "response",
      transactionId: start.transactionId,
      statusCode: start.statusCode,
      ...(start.comment !== undefined ? { comment: start.comment } : {}),
      toPath,
      fromPath,
      extensionHeaders,
    };
  }
  return buildRequestHead(b, start, { toPath, fromPath, known, extensionHeaders, mimeHeaders, hasBody });
}

interface Collected {
  readonly toPath: readonly MsrpUri[];
  readonly fromPath: readonly MsrpUri[];
  readonly known: Map<string, string>;
  readonly extensionHeaders: MsrpHeader[];
  readonly mimeHeaders: MsrpHeader[];
  readonly hasBody: boolean;
}

function buildRequestHead(b: HeadBuilder, start: StartLine & { kind: "request" }, c: Collected): MsrpHead {
  const { known } = c;
  const contentType = known.get("content-type");
  // MSRP-FMT-03 / MSRP-FMT-04: a body needs Content-Type; a bodiless request has no MIME headers.
  if (c.hasBody && contentType === undefined) b.fail("a body requires Content-Type");
  if (!c.hasBody && (contentType !== undefined || c.mimeHeaders.length > 0)) b.fail("MIME headers without a body");
  if (contentType !== undefined && !MEDIA_TYPE.test(contentType)) b.fail("bad Content-Type");
  const messageId = known.get("message-id");
  if (messageId !== undefined && !isIdent(messageId)) b.fail("bad Message-ID");
  const rangeText = known.get("byte-range");
  const byteRange = rangeText === undefined ? undefined : parseByteRange(rangeText);
  if (typeof byteRange === "string") b.fail(byteRange);
  const successReport = known.get("success-report");
  if (successReport !== undefined && successReport !== "yes" && successReport !== "no") b.fail("bad Success-Report");
  const failureReport = known.get("failure-report");
  if (failureReport !== undefined && !["yes", "no", "partial"].includes(failureReport)) b.fail("bad Failure-Report");
  const statusText = known.get("status");
  const status = statusText === undefined ? undefined : parseStatus(b, statusText);
  const nickText = known.get("use-nickname");
  const useNickname = nickText === undefined ? undefined : parseUseNickname(nickText);
  if (typeof useNickname === "object") b.fail(useNickname.reason);

  if (start.method === "SEND" && messageId === undefined) b.fail("SEND requires Message-ID"); // RFC 4975 §7.1.1
  if (start.method === "REPORT") {
    // RFC 4975 §7.1.2: REPORT carries Message-ID and Status, never the report-request headers.
    if (messageId === undefined || status === undefined) b.fail("REPORT requires Message-ID and Status");
    if (successReport !== undefined || failureReport !== undefined) b.fail("REPORT must not carry *-Report");
  }
  if (start.method === "NICKNAME") {
    // RFC 7701 §7.1 (MSRP-NICK-02): exactly one Use-Nickname, no report headers.
    if (useNickname === undefined) b.fail("NICKNAME requires Use-Nickname");
    if (successReport !== undefined || failureReport !== undefined) b.fail("NICKNAME must not carry *-Report");
  }
  // Optional fields are only set when present, so parse(serialize(m)) deep-equals m.
  const head: { -readonly [K in keyof RequestHead]: RequestHead[K] } = {
    kind: "request",
    transactionId: start.transactionId,
    method: start.method,
    toPath: c.toPath,
    fromPath: c.fromPath,
    extensionHeaders: c.extensionHeaders,
    mimeHeaders: c.mimeHeaders,
  };
  if (messageId !== undefined) head.messageId = messageId;
  if (byteRange !== undefined) head.byteRange = byteRange;
  if (successReport !== undefined) head.successReport = successReport as "yes" | "no";
  if (failureReport !== undefined) head.failureReport = failureReport as FailureReport;
  if (status !== undefined) head.status = status;
  if (useNickname !== undefined) head.useNickname = useNickname;
  if (contentType !== undefined) head.contentType = contentType;
  return head;
}

import type { PartialMessage } from "./error-context.js";
import { withContext } from "./error-context.js";
import { SipParseError, syntaxError } from "./errors.js";
import type { LazyNames } from "./header-fields.js";
import { headerKeyOfState, INDEXED_KEYS, NAME_END, NAME_INDEX_IDS, NAME_START, NAME_STEP } from "./header-names.js";
import { mirrorHead, mirrorHeadFromBytes } from "./mirror.js";
import { SipRequest } from "./request.js";
import { SipResponse } from "./response.js";
import { parseUint, parseUintC } from "./scalars.js";
import type { RequestLine, StatusLine } from "./start-line.js";
import { parseStartLine } from "./start-line.js";
import { validateMessage } from "./validate.js";

export interface ParseOptions {
  /**
   * Parse and check Via, From, To, Call-ID, CSeq, Max-Forwards, Contact and the Request-URI before
   * returning (see `validateMessage`). Default true. With false only the start line, the header
   * split and Content-Length are checked, and structured getters throw on first bad access.
   */
  readonly validate?: boolean;
  /** Refuse a message longer than this many bytes with status 513 (RFC 3261 §18.1.1 / §21.5.14). */
  readonly maxBytes?: number;
}

export type SipMessageUnion = SipRequest | SipResponse;

const CRLFCRLF = Buffer.from("\r\n\r\n");
/** Index id of Content-Length (its position in INDEXED_KEYS). */
const CONTENT_LENGTH = INDEXED_KEYS.indexOf("content-length");
const MAX_CONTENT_LENGTH = 0x7fffffff;

function asBuffer(input: Uint8Array): Buffer {
  return Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

/**
 * Index of the CR ending the line that `i` is in. Every CR must start a CRLF and every LF end one:
 * stray ones could smuggle header lines.
 */
function lineEnd(head: string, cc: Uint16Array, i: number, n: number, lineStart: number): number {
  // indexOf is a native memchr over the string, faster than a loop over the codes for whole lines.
  const e = head.indexOf("\r", i);
  if (e < 0 || e + 1 >= n || cc[e + 1] !== 10) throw syntaxError("bare CR in header section", e < 0 ? n : e);
  const lf = head.indexOf("\n", i);
  if (lf !== e + 1) throw syntaxError("bare LF in header section", lineStart);
  return e;
}

function splitHeaders(
  head: string,
  from: number,
  partial: PartialMessage,
  spans: number[],
  values: string[],
  lines: number[],
): void {
  const keys = partial.keys as string[];
  const cc = mirrorHead(head);
  const n = head.length;
  let pos = from;
  while (pos < n) {
    const c = cc[pos] as number;
    if (c === 32 || c === 9) {
      // RFC 3261 §7.3.1: a line starting with whitespace continues the previous value; the fold is one SP.
      const e = lineEnd(head, cc, pos, n, pos);
      const last = values.length - 1;
      if (last < 0) throw syntaxError("continuation line before the first header", pos);
      const more = head.slice(pos, e).trim();
      const prev = values[last] as string;
      // join, not `+`: a cons string would be one string shape too many for the scanners (see chars.ts).
      values[last] = prev.length === 0 ? more : more.length === 0 ? prev : [prev, more].join(" ");
      const start = spans[2 * last] as number;
      if (start >= 0) spans[2 * last] = -1 - start;
      pos = e + 2;
      continue;
    }
    let j = pos;
    let code = c;
    // Locals, not the imports: module bindings are re-read (with a hole check) on every use.
    const step = NAME_STEP;
    const ended = NAME_END;
    const ids = NAME_INDEX_IDS;
    let state = NAME_START;
    // The header text ends in CRLF and CR is not a token character, so these loops stop inside it.
    while (code < 128) {
      const next = step[(state << 7) | code] as number;
      if (next === ended) break;
      state = next;
      code = cc[++j] as number;
    }
    const nameEnd = j;
    const id = ids[state] as number;
    while (code === 32 || code === 9) code = cc[++j] as number;
    if (nameEnd === pos || code !== 58) {
      lineEnd(head, cc, pos, n, pos); // a stray CR or LF is the better diagnosis
      throw syntaxError("malformed header line", pos);
    }
    let vs = j + 1;
    const e = lineEnd(head, cc, vs, n, pos);
    code = cc[vs] as number;
    while ((code === 32 || code === 9) && vs < e) code = cc[++vs] as number;
    let ve = e;
    code = cc[ve - 1] as number;
    while ((code === 32 || code === 9) && ve > vs) code = cc[--ve - 1] as number;
    // Stores at the end, not push: V8 (Node 20) calls the push builtin here instead of inlining it.
    const line = values.length;
    if (id !== 0) {
      const seen = lines[id - 1] as number;
      lines[id - 1] = seen === -1 ? line : seen >= 0 ? -2 - seen : seen;
    }
    spans[2 * line] = vs;
    spans[2 * line + 1] = ve;
    keys[line] = headerKeyOfState(state, head, pos, nameEnd);
    values[line] = head.slice(vs, ve);
    pos = e + 2;
  }
}

/** A fresh `LazyNames.lines`: every indexed header absent (one entry per `INDEXED_KEYS`). */
function noLines(): number[] {
  return [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];
}
if (noLines().length !== INDEXED_KEYS.length) throw new Error("noLines() must have one entry per INDEXED_KEYS");

/**
 * After a bad start line, gathers what an edge still needs to answer (e.g. 505 for RFC 4475
 * §3.1.2.16): a loosely split Request-Line and whatever header lines split cleanly.
 */
function recoverContext(head: string, lineEnd: number, partial: PartialMessage): void {
  recoverStartLine(head, lineEnd, partial);
  recoverLines(head, lineEnd, partial);
}

/** A loosely split Request-Line, for the context of an error. */
function recoverStartLine(head: string, lineEnd: number, partial: PartialMessage): void {
  const parts = head
    .slice(0, lineEnd)
    .trim()
    .split(/[ \t]+/);
  const [method, uri] = parts;
  const version = parts[parts.length - 1];
  if (parts.length >= 3 && method !== undefined && uri !== undefined && version !== undefined) {
    if (!/^SIP\//i.test(method) && /^[A-Za-z0-9\-.!%*_+`'~]+$/.test(method)) {
      partial.startLine = { kind: "request", method, uri, version };
    }
  }
}

/** The header lines that split cleanly, for the context of an error. */
function recoverLines(head: string, lineEnd: number, partial: PartialMessage): void {
  const spans: number[] = [];
  const values: string[] = [];
  const recovered: PartialMessage = { startLine: undefined, keys: [], values };
  try {
    splitHeaders(head, lineEnd + 2, recovered, spans, values, noLines());
  } catch {
    // keep the lines that split before the bad one
  }
  partial.keys = recovered.keys;
  partial.values = values;
}

/** Content-Length from the header lines; conflicting repeats are a framing error (RFC 4475 §3.3.9). */
function contentLengthOf(
  head: string,
  keys: readonly string[],
  values: readonly string[],
  spans: readonly number[],
  info: number,
): number {
  let length = -1;
  // `info` is the split's index entry for Content-Length (see LazyNames.lines).
  const first = info === -1 ? keys.length : info >= 0 ? info : -2 - info;
  for (let i = first; i < keys.length; i++) {
    if (keys[i] !== "content-length") continue;
    const start = spans[2 * i] as number;
    let v: number;
    if (start < 0) v = parseUint(values[i] as string, MAX_CONTENT_LENGTH, "Content-Length");
    else {
      // In place: the header text is still mirrored from splitHeaders.
      try {
        v = parseUintC(mirrorHead(head), start, spans[2 * i + 1] as number, MAX_CONTENT_LENGTH, "Content-Length");
      } catch (e) {
        if (!(e instanceof SipParseError)) throw e;
        throw syntaxError(e.message, e.offset - start);
      }
    }
    if (length >= 0 && v !== length) throw syntaxError("conflicting Content-Length values", -1);
    length = v;
  }
  return length;
}

function checkBodyLength(length: number, restBytes: number, head: string): void {
  if (length > restBytes) {
    throw syntaxError(`Content-Length ${length} exceeds the ${restBytes} bytes received`, head.length + 2);
  }
}

function checkSize(length: number, options: ParseOptions | undefined): void {
  if (options?.maxBytes !== undefined && length > options.maxBytes) {
    throw syntaxError(`message of ${length} bytes exceeds ${options.maxBytes}`, options.maxBytes, 513);
  }
}

/** Where the body starts in the Buffer `splitBuffer` returned (a shared cursor: no subarray until the body is read). */
const bufferCursor = { bodyStart: 0 };

/**
 * Splits a Buffer into the header text (start line to the last header's CRLF) and returns it with
 * the Buffer itself; the bytes after the empty line start at `bufferCursor.bodyStart`.
 */
function splitBuffer(buf: Buffer, options: ParseOptions | undefined): [string, Buffer] {
  checkSize(buf.length, options);
  let start = 0;
  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  while (buf[start] === 13 && buf[start + 1] === 10) start += 2;
  const headEnd = buf.indexOf(CRLFCRLF, start);
  if (headEnd < 0) throw syntaxError("no empty line after the header section", buf.length);
  const head = buf.toString("utf8", start, headEnd + 2);
  mirrorHeadFromBytes(head, buf, start, headEnd + 2);
  bufferCursor.bodyStart = headEnd + 4;
  return [head, buf];
}

function splitString(text: string, options: ParseOptions | undefined): [string, string] {
  if (options?.maxBytes !== undefined) checkSize(Buffer.byteLength(text, "utf8"), options);
  let start = 0;
  while (text.charCodeAt(start) === 13 && text.charCodeAt(start + 1) === 10) start += 2;
  const headEnd = text.indexOf("\r\n\r\n", start);
  if (headEnd < 0) throw syntaxError("no empty line after the header section", text.length);
  return [text.slice(start, headEnd + 2), headEnd + 4 < text.length ? text.slice(headEnd + 4) : ""];
}

function parseParts(head: string, rest: Buffer | string, options: ParseOptions | undefined, partial: PartialMessage) {
  const lineEnd = head.indexOf("\r");
  if (head.charCodeAt(lineEnd + 1) !== 10) throw syntaxError("bare CR in start line", lineEnd);
  if (head.indexOf("\n") !== lineEnd + 1) throw syntaxError("bare LF in start line", 0);
  let startLine: RequestLine | StatusLine;
  try {
    startLine = parseStartLine(head.slice(0, lineEnd));
  } catch (e) {
    recoverContext(head, lineEnd, partial);
    throw e;
  }
  partial.startLine = startLine;
  const names: LazyNames = { head, spans: [], lines: noLines(), bodyStart: 0, bodyLength: -1 };
  const values: string[] = [];
  partial.values = values;
  splitHeaders(head, lineEnd + 2, partial, names.spans, values, names.lines);
  const keys = partial.keys as string[];
  const length = contentLengthOf(head, keys, values, names.spans, names.lines[CONTENT_LENGTH] as number);
  // Without Content-Length the body runs to the end of the datagram (RFC 3261 §18.3); extra octets
  // after Content-Length are ignored (RFC 4475 §3.1.1.8). Text input stays text until `body` is read.
  // The body getter cuts the body from `rest` when first read (see LazyNames.bodyStart).
  let body: Buffer | string = rest;
  if (typeof rest === "string") {
    if (length === 0) body = "";
    // A text needs at least as many bytes as characters, so only a shorter one can fall short of
    // Content-Length.
    else if (length > rest.length) checkBodyLength(length, Buffer.byteLength(rest, "utf8"), head);
  } else {
    const bodyStart = bufferCursor.bodyStart;
    checkBodyLength(length, rest.length - bodyStart, head);
    names.bodyStart = bodyStart;
  }
  names.bodyLength = length;
  const msg =
    startLine.kind === "request"
      ? new SipRequest(startLine.method, startLine.uri, startLine.version, names, keys, values, body)
      : new SipResponse(startLine.status, startLine.reason, startLine.version, names, keys, values, body);
  if (options?.validate !== false) validateMessage(msg);
  return msg;
}

/**
 * For a message refused before it was parsed (larger than `maxBytes`): the start line and header
 * lines an edge needs to answer it with 513 (RFC 3261 §8.2.6.2), when the header section splits.
 */
function sizeErrorContext(input: Uint8Array | string, partial: PartialMessage): void {
  let head: string;
  try {
    [head] = typeof input === "string" ? splitString(input, undefined) : splitBuffer(asBuffer(input), undefined);
  } catch {
    return; // no header section: no context
  }
  const lineEnd = head.indexOf("\r");
  try {
    partial.startLine = parseStartLine(head.slice(0, lineEnd));
  } catch {
    recoverStartLine(head, lineEnd, partial);
  }
  recoverLines(head, lineEnd, partial);
}

/**
 * Parses one SIP message (RFC 3261 §7) from a datagram or a frame cut by `SipStreamFramer`.
 * Header text is decoded as UTF-8; the body stays bytes and shares memory with `input` when it is
 * a Buffer. Throws only `SipParseError`, with `status` and, when the start line parsed, `context`.
 */
export function parseSipMessage(input: Uint8Array | string, options?: ParseOptions): SipMessageUnion {
  const partial: PartialMessage = { startLine: undefined, keys: [], values: [] };
  try {
    const [head, rest] =
      typeof input === "string" ? splitString(input, options) : splitBuffer(asBuffer(input), options);
    return parseParts(head, rest, options, partial);
  } catch (e) {
    if (e instanceof SipParseError) {
      if (e.status === 513 && partial.startLine === undefined) sizeErrorContext(input, partial);
      throw withContext(e, partial);
    }
    throw withContext(new SipParseError("unparseable SIP message", { cause: e }), partial);
  }
}

import { formatByteRange, parseByteRange } from "./byte-range.js";
import { endLinePrefix, findEndLine, formatEndLine } from "./end-line.js";
import { MsrpSerializeError } from "./errors.js";
import { HEADER_NAME, MEDIA_TYPE } from "./head.js";
import { isIdent } from "./ident.js";
import type { MsrpHeader, MsrpMessage, MsrpRequest, MsrpResponse } from "./types.js";
import { formatMsrpUri } from "./uri.js";
import { formatUseNickname } from "./use-nickname.js";

const LINE_BREAK = /[\r\n]/;
const EMPTY = new Uint8Array(0);

function header(name: string, value: string): string {
  if (LINE_BREAK.test(value) || LINE_BREAK.test(name)) throw new MsrpSerializeError(`line break in ${name}`);
  return `${name}: ${value}\r\n`;
}

// Headers with their own fields must not be smuggled in as extension or MIME headers.
const RESERVED = new Set([
  "to-path",
  "from-path",
  "message-id",
  "byte-range",
  "success-report",
  "failure-report",
  "status",
  "use-nickname",
  "content-type",
]);

function headers(list: readonly MsrpHeader[], kind: "extension" | "mime"): string {
  return list
    .map((h) => {
      const lower = h.name.toLowerCase();
      if (!HEADER_NAME.test(h.name) || RESERVED.has(lower) || (kind === "mime") !== lower.startsWith("content-")) {
        throw new MsrpSerializeError(`${JSON.stringify(h.name)} cannot be written as a ${kind} header`);
      }
      return header(h.name, h.value);
    })
    .join("");
}

function startAndPaths(m: MsrpMessage, what: string): string {
  if (!isIdent(m.transactionId)) throw new MsrpSerializeError(`bad transaction id ${JSON.stringify(m.transactionId)}`);
  if (m.toPath.length === 0 || m.fromPath.length === 0) throw new MsrpSerializeError("To-Path and From-Path required");
  return (
    `MSRP ${m.transactionId} ${what}\r\n` +
    header("To-Path", m.toPath.map(formatMsrpUri).join(" ")) +
    header("From-Path", m.fromPath.map(formatMsrpUri).join(" "))
  );
}

/**
 * The header block of a request, up to and including the blank line when it has a body. Edges that
 * stream a large chunk write this, then body bytes, then `\r\n` + {@link formatEndLine}.
 * Header order: To-Path, From-Path (MSRP-FMT-02), report headers, extensions, MIME, Content-Type last (MSRP-FMT-03).
 */
export function serializeMsrpHead(r: MsrpRequest): string {
  if (!/^[A-Z]+$/.test(r.method)) throw new MsrpSerializeError(`bad method ${JSON.stringify(r.method)}`);
  let text = startAndPaths(r, r.method);
  if (r.messageId !== undefined) {
    if (!isIdent(r.messageId)) throw new MsrpSerializeError(`bad Message-ID ${JSON.stringify(r.messageId)}`);
    text += header("Message-ID", r.messageId);
  }
  if (r.byteRange !== undefined) {
    const range = formatByteRange(r.byteRange);
    if (typeof parseByteRange(range) === "string") throw new MsrpSerializeError(`bad Byte-Range ${range}`);
    text += header("Byte-Range", range);
  }
  if (r.successReport !== undefined) text += header("Success-Report", r.successReport);
  if (r.failureReport !== undefined) text += header("Failure-Report", r.failureReport);
  if (r.status !== undefined) {
    if (
      !/^\d{3}$/.test(r.status.namespace) ||
      !Number.isInteger(r.status.code) ||
      r.status.code < 0 ||
      r.status.code > 999
    ) {
      throw new MsrpSerializeError("Status needs a 3-digit namespace and code");
    }
    const comment = r.status.comment !== undefined ? ` ${r.status.comment}` : "";
    text += header("Status", `${r.status.namespace} ${String(r.status.code).padStart(3, "0")}${comment}`);
  }
  if (r.useNickname !== undefined) text += header("Use-Nickname", formatUseNickname(r.useNickname));
  text += headers(r.extensionHeaders, "extension");
  const hasBody = r.body !== undefined;
  if (hasBody !== (r.contentType !== undefined)) {
    throw new MsrpSerializeError("Content-Type is required exactly when there is a body (MSRP-FMT-03/04)");
  }
  if (!hasBody && r.mimeHeaders.length > 0) throw new MsrpSerializeError("MIME headers need a body (MSRP-FMT-04)");
  text += headers(r.mimeHeaders, "mime");
  if (r.contentType !== undefined) {
    if (!MEDIA_TYPE.test(r.contentType))
      throw new MsrpSerializeError(`bad Content-Type ${JSON.stringify(r.contentType)}`);
    text += `${header("Content-Type", r.contentType)}\r\n`;
  }
  return text;
}

function serializeRequest(r: MsrpRequest): Uint8Array {
  const head = Buffer.from(serializeMsrpHead(r), "utf8");
  const body = r.body;
  const end = Buffer.from(`${body !== undefined ? "\r\n" : ""}${formatEndLine(r.transactionId, r.endFlag)}`, "latin1");
  const frame = Buffer.concat([head, body ?? EMPTY, end]);
  // MSRP-FMT-06: the end-line must not occur inside the body; the first end-line a receiver finds
  // has to be ours. (The head cannot contain one: header values carry no line breaks.)
  const expectedAt = head.length + (body?.length ?? 0) - (body === undefined ? 2 : 0);
  const found = findEndLine(frame, endLinePrefix(r.transactionId), body === undefined ? expectedAt : head.length);
  if (found.at !== expectedAt) {
    throw new MsrpSerializeError(`body contains the end-line of ${r.transactionId}; use another transaction id`);
  }
  return frame;
}

function serializeResponse(r: MsrpResponse): Uint8Array {
  if (!Number.isInteger(r.statusCode) || r.statusCode < 0 || r.statusCode > 999) {
    throw new MsrpSerializeError(`bad status code ${r.statusCode}`);
  }
  if (r.comment !== undefined && LINE_BREAK.test(r.comment)) throw new MsrpSerializeError("line break in comment");
  const code = String(r.statusCode).padStart(3, "0");
  const status = r.comment !== undefined ? `${code} ${r.comment}` : code;
  const text =
    startAndPaths(r, status) + headers(r.extensionHeaders, "extension") + formatEndLine(r.transactionId, "$");
  return Buffer.from(text, "utf8");
}

/** Serializes a request or response to wire bytes. Throws {@link MsrpSerializeError} for invalid input. */
export function serializeMsrpMessage(m: MsrpMessage): Uint8Array {
  return m.kind === "request" ? serializeRequest(m) : serializeResponse(m);
}

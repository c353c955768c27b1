import { SipParseError } from "./errors.js";
import type { SipHeader } from "./header-fields.js";
import { headerKey } from "./header-names.js";
import type { MediaType } from "./media-type.js";
import { boundaryOf } from "./media-type.js";

/** One body part of a multipart body (RFC 2046 §5.1): its MIME headers and its bytes. */
export interface BodyPart {
  readonly headers: readonly SipHeader[];
  readonly body: Buffer;
  /** First value of a part header, name case-insensitive (compact forms accepted). */
  header(name: string): string | undefined;
}

function makePart(headers: SipHeader[], body: Buffer): BodyPart {
  return {
    headers,
    body,
    header(name: string) {
      const key = headerKey(name);
      return headers.find((h) => headerKey(h.name) === key)?.value;
    },
  };
}

function parsePart(raw: Buffer): BodyPart {
  // A part with no headers starts directly with the empty line.
  if (raw[0] === 13 && raw[1] === 10) return makePart([], raw.subarray(2));
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) throw new SipParseError("body part without an empty line after its headers");
  const headers: SipHeader[] = [];
  for (const line of raw.toString("utf8", 0, end).split("\r\n")) {
    if ((line.startsWith(" ") || line.startsWith("\t")) && headers.length > 0) {
      const last = headers.pop() as SipHeader;
      headers.push({ name: last.name, value: `${last.value} ${line.trim()}` });
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new SipParseError("malformed body part header line");
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return makePart(headers, raw.subarray(end + 4));
}

/**
 * Splits a multipart body (RFC 2046 §5.1, used by SIP per RFC 3261 §7.4 and RFC 5621) on its
 * boundary. The CRLF before each delimiter belongs to the delimiter, so binary parts keep their
 * exact bytes (RFC 4475 §3.1.1.11). Throws `SipParseError` when the boundary is missing or unclosed.
 */
export function parseMultipart(body: Uint8Array, boundary: string): BodyPart[] {
  if (boundary.length === 0 || boundary.length > 70) throw new SipParseError("bad multipart boundary");
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const dash = `--${boundary}`;
  let pos: number;
  if (buf.toString("latin1", 0, dash.length) === dash) pos = 0;
  else {
    pos = buf.indexOf(`\r\n${dash}`);
    if (pos < 0) throw new SipParseError("multipart boundary not found");
    pos += 2;
  }
  const parts: BodyPart[] = [];
  const delimiter = Buffer.from(`\r\n${dash}`, "latin1");
  for (;;) {
    let after = pos + dash.length;
    if (buf[after] === 45 && buf[after + 1] === 45) return parts; // close-delimiter
    // Skip transport padding (LWSP) and the CRLF ending the delimiter line.
    while (buf[after] === 32 || buf[after] === 9) after++;
    if (buf[after] !== 13 || buf[after + 1] !== 10) throw new SipParseError("malformed multipart delimiter line");
    const start = after + 2;
    const next = buf.indexOf(delimiter, after);
    if (next < 0) throw new SipParseError("multipart body has no close delimiter");
    parts.push(parsePart(buf.subarray(start, Math.max(start, next))));
    pos = next + 2;
  }
}

/** The parts of a message whose Content-Type is multipart/*, or `undefined` for any other body. */
export function bodyParts(msg: {
  readonly contentType: MediaType | undefined;
  readonly body: Buffer;
}): BodyPart[] | undefined {
  const type = msg.contentType;
  if (type?.type !== "multipart") return undefined;
  const boundary = boundaryOf(type);
  if (boundary === undefined) throw new SipParseError("multipart Content-Type without boundary");
  return parseMultipart(msg.body, boundary);
}

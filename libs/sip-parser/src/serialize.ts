import type { SipMessage } from "./message.js";
import type { SipRequest } from "./request.js";
import type { SipResponse } from "./response.js";

/**
 * The header section as text: start line, header lines exactly as stored, and a Content-Length
 * that matches the body (rewritten in place if present, appended if missing), then the empty line.
 */
export function formatHead(msg: SipRequest | SipResponse): string {
  let out = msg.isRequest
    ? `${msg.method} ${msg.uri} ${msg.version}\r\n`
    : `${msg.version} ${msg.status} ${msg.reason}\r\n`;
  const bodyLength = String(msg.body.length);
  let hasLength = false;
  for (const h of (msg as SipMessage).headers) {
    if (h.name.toLowerCase() === "content-length" || h.name === "l" || h.name === "L") {
      if (hasLength) continue; // one Content-Length only
      hasLength = true;
      out += `${h.name}: ${bodyLength}\r\n`;
    } else out += `${h.name}: ${h.value}\r\n`;
  }
  if (!hasLength) out += `Content-Length: ${bodyLength}\r\n`;
  return `${out}\r\n`;
}

/** Serializes a message to wire bytes (RFC 3261 §7): head as UTF-8, then the body bytes unchanged. */
export function serializeSipMessage(msg: SipRequest | SipResponse): Buffer {
  const head = formatHead(msg);
  if (msg.body.length === 0) return Buffer.from(head, "utf8");
  const headLength = Buffer.byteLength(head, "utf8");
  const out = Buffer.allocUnsafe(headLength + msg.body.length);
  out.write(head, 0, "utf8");
  out.set(msg.body, headLength);
  return out;
}

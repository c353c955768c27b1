import { MsrpParseError } from "./errors.js";
import { MsrpFramer, type MsrpFramerOptions } from "./framer.js";
import type { MsrpMessage } from "./types.js";

/**
 * Parses exactly one complete MSRP request or response (start line to end-line). Throws
 * {@link MsrpParseError} for anything else: malformed, truncated, or followed by extra bytes.
 */
export function parseMsrpMessage(bytes: Uint8Array | string, options?: MsrpFramerOptions): MsrpMessage {
  const input = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
  const framer = new MsrpFramer(options);
  const [frame, ...extra] = framer.push(input);
  if (frame === undefined) throw new MsrpParseError("truncated MSRP message: no end-line", { offset: input.length });
  if (frame.kind === "rejected") throw frame.error;
  if (extra.length > 0 || frame.byteLength !== input.length) {
    throw new MsrpParseError("bytes after the end-line", { offset: frame.byteLength });
  }
  return frame.message;
}

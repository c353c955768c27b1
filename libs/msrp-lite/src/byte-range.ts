import type { ByteRange } from "./types.js";

// RFC 4975 §9: Byte-Range = range-start "-" range-end "/" total; end and total are 1*DIGIT or "*".
const BYTE_RANGE = /^(\d{1,15})-(\d{1,15}|\*)\/(\d{1,15}|\*)$/;

/**
 * Parses a Byte-Range value, or returns a reason string when it is malformed or inconsistent
 * (MSRP-RECV-10: sanity-check before anyone allocates buffers from it).
 */
export function parseByteRange(value: string): ByteRange | string {
  const m = BYTE_RANGE.exec(value);
  if (!m?.[1] || !m[2] || !m[3]) return "Byte-Range must be start-end/total";
  const start = Number(m[1]);
  const end = m[2] === "*" ? "*" : Number(m[2]);
  const total = m[3] === "*" ? "*" : Number(m[3]);
  if (start < 1) return "Byte-Range start is 1-based";
  // `1-0/0` is the empty message, so end may be start - 1.
  if (end !== "*" && end < start - 1) return "Byte-Range end before start";
  if (total !== "*" && end !== "*" && end > total) return "Byte-Range end beyond total";
  if (total !== "*" && start > total + 1) return "Byte-Range start beyond total";
  return { start, end, total };
}

export function formatByteRange(range: ByteRange): string {
  return `${range.start}-${range.end}/${range.total}`;
}

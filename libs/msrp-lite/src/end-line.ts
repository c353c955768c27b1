import type { EndFlag } from "./types.js";

const CR = 0x0d;
const LF = 0x0a;
const FLAGS: Record<number, EndFlag> = { 36: "$", 43: "+", 35: "#" };

/** `CRLF "-------" transact-id`: what precedes the flag of an end-line (RFC 4975 §7.1, §9). */
export function endLinePrefix(transactionId: string): Buffer {
  return Buffer.from(`\r\n-------${transactionId}`, "latin1");
}

/** The end-line itself, `"-------" transact-id flag CRLF`. */
export function formatEndLine(transactionId: string, flag: EndFlag): string {
  return `-------${transactionId}${flag}\r\n`;
}

export type EndLineSearch =
  | { readonly found: true; readonly at: number; readonly flag: EndFlag }
  | {
      readonly found: false;
      readonly at: -1 /** Where to search again once more bytes arrived. */;
      readonly resumeFrom: number;
    };

/**
 * Finds the first complete end-line in `buf[from, length)`. `at` is the index of the CRLF that precedes
 * the dashes (that CRLF belongs to the end-line, not to the body). Look-alikes are skipped: another
 * transaction id, a longer id that merely starts with this one, a bad flag, or a flag without CRLF.
 */
export function findEndLine(buf: Buffer, prefix: Buffer, from: number): EndLineSearch {
  const length = buf.length;
  let i = buf.indexOf(prefix, from);
  while (i >= 0) {
    const flagAt = i + prefix.length;
    if (flagAt + 3 > length) return { found: false, at: -1, resumeFrom: i }; // candidate cut off by the read
    const flag = FLAGS[buf[flagAt] as number];
    if (flag !== undefined && buf[flagAt + 1] === CR && buf[flagAt + 2] === LF) return { found: true, at: i, flag };
    i = buf.indexOf(prefix, i + 1);
  }
  // Keep the tail that could still be the start of a prefix.
  return { found: false, at: -1, resumeFrom: Math.max(from, length - prefix.length + 1) };
}

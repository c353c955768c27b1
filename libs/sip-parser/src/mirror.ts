// The scanners read character codes from a typed array that mirrors the text being parsed, not from
// the string: V8 (Node 20) re-checks the string's representation on every `charCodeAt` of an
// optimized loop, which made character scanning 2-3x slower than typed-array loads. A mirror is a
// shared scratch array filled by a native UTF-16 copy and stays valid until the next fill, so
// callers take it at the start of a parse and never keep it. There are two: one for the header
// text of the message being parsed (its getters reuse it while it is current) and one for
// standalone values (`parseUri(text)`, a header set by `setHeader`...), so parsing a standalone
// value does not evict the message text.

interface Scratch {
  codes: Uint16Array;
  bytes: Buffer;
  owner: string | undefined;
}

function scratch(size: number): Scratch {
  const codes = new Uint16Array(size);
  return { codes, bytes: Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength), owner: undefined };
}

const head = scratch(8192);
const value = scratch(1024);

// Buffer's "utf16le" is little-endian; on a big-endian host the array would read swapped bytes.
head.bytes.write("A", 0, "utf16le");
const NATIVE_COPY = head.codes[0] === 65;

function fill(m: Scratch, s: string): Uint16Array {
  if (s === m.owner) return m.codes;
  if (s.length > m.codes.length) {
    m.codes = new Uint16Array(Math.max(s.length, m.codes.length * 2));
    m.bytes = Buffer.from(m.codes.buffer, m.codes.byteOffset, m.codes.byteLength);
  }
  if (NATIVE_COPY) m.bytes.write(s, 0, "utf16le");
  else for (let i = 0; i < s.length; i++) m.codes[i] = s.charCodeAt(i);
  m.owner = s;
  return m.codes;
}

/**
 * The UTF-16 code units of a message's header text at indexes `0 .. s.length - 1` of the returned
 * array (which is longer: entries past `s.length` are stale, so every scan stops at its `end`).
 */
export function mirrorHead(s: string): Uint16Array {
  return fill(head, s);
}

/** `mirrorHead` for a standalone value. */
export function mirror(s: string): Uint16Array {
  return fill(value, s);
}

/**
 * Fills the header mirror for `s`, the UTF-8 decoding of `bytes`, straight from the bytes when they
 * map one to one to code units (equal lengths: ASCII, or invalid bytes that decoded to U+FFFD,
 * which every scanner treats like any other non-ASCII code): a widening copy instead of a second
 * pass over the string.
 */
export function mirrorHeadFromBytes(s: string, bytes: Uint8Array, start: number, end: number): void {
  if (s.length !== end - start || s.length > head.codes.length) {
    fill(head, s);
    return;
  }
  // The whole Buffer when it fits and the text starts it (no subarray to create): what follows the
  // text in the mirror is stale either way.
  head.codes.set(start === 0 && bytes.length <= head.codes.length ? bytes : bytes.subarray(start, end));
  head.owner = s;
}

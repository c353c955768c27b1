import { type MsrpFrame, MsrpFramer, type MsrpMessage, serializeMsrpMessage } from "../src/index.js";

export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");

/** Feeds `stream` to a fresh framer in pieces of the given sizes (cycled) and returns all frames. */
export function frameInPieces(stream: Uint8Array, sizes: readonly number[], framer = new MsrpFramer()): MsrpFrame[] {
  const frames: MsrpFrame[] = [];
  let offset = 0;
  for (let i = 0; offset < stream.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    frames.push(...framer.push(stream.subarray(offset, offset + size)));
    offset += size;
  }
  return frames;
}

export function messagesOf(frames: readonly MsrpFrame[]): MsrpMessage[] {
  return frames.map((f) => {
    if (f.kind !== "message") throw new Error(`unexpected rejected frame: ${f.error.message}`);
    return f.message;
  });
}

export function concatWire(messages: readonly MsrpMessage[]): Uint8Array {
  return Buffer.concat(messages.map((m) => serializeMsrpMessage(m)));
}

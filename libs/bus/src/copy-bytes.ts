/**
 * A copy of the bytes as a plain Uint8Array. Not `data.slice()`: on a Buffer (a Uint8Array subclass) that
 * returns a view of the same memory, so receivers of a Buffer payload would share, and could change, its bytes.
 */
export function copyBytes(data: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(data);
}

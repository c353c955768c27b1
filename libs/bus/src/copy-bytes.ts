/**
 * A copy of the bytes the receiver owns. Not `data.slice()`: on a Buffer (a Uint8Array subclass) that returns a
 * view of the same memory, so receivers of a Buffer payload would share, and could change, its bytes.
 * `Buffer.from(uint8Array)` copies: small payloads (under 4 KiB) into Node's pooled slab, which spares a
 * malloc'd ArrayBuffer per copy (about half the time of `Uint8Array.prototype.slice`, and less for the GC to
 * sweep); larger ones into their own memory. The result is a Buffer, i.e. a Uint8Array.
 */
export function copyBytes(data: Uint8Array): Uint8Array {
  return Buffer.from(data);
}

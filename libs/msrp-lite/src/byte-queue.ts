const INITIAL_CAPACITY = 4096;
/** Above this capacity an emptied queue gives its memory back: idle connections stay small. */
const RETAIN_CAPACITY = 16 * 1024;

/**
 * A growable FIFO of bytes: appends amortise to O(1), consumed bytes are reclaimed by compaction.
 * When the queue is empty, an appended chunk is borrowed rather than copied; {@link settle} copies
 * whatever is left of it before the caller gets its buffer back (the common "whole frames per read"
 * case then copies nothing).
 */
export class ByteQueue {
  #data: Buffer = Buffer.alloc(0);
  #start = 0;
  #end = 0;
  #borrowed: Buffer | undefined;
  #borrowedStart = 0;

  get length(): number {
    return this.#borrowed ? this.#borrowed.length - this.#borrowedStart : this.#end - this.#start;
  }

  /** The unconsumed bytes, without copying; valid until the next append, consume or settle. */
  view(): Buffer {
    return this.#borrowed ? this.#borrowed.subarray(this.#borrowedStart) : this.#data.subarray(this.#start, this.#end);
  }

  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.length === 0 && this.#borrowed === undefined) {
      this.#borrowed = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.#borrowedStart = 0;
      return;
    }
    this.settle();
    this.#copyIn(chunk);
  }

  /** Stops borrowing: copies the unconsumed rest of a borrowed chunk into owned storage. */
  settle(): void {
    const borrowed = this.#borrowed;
    if (borrowed === undefined) return;
    this.#borrowed = undefined;
    if (this.#borrowedStart < borrowed.length) this.#copyIn(borrowed.subarray(this.#borrowedStart));
  }

  consume(count: number): void {
    if (this.#borrowed) {
      this.#borrowedStart += count;
      if (this.#borrowedStart >= this.#borrowed.length) this.#borrowed = undefined;
      return;
    }
    this.#start += count;
    if (this.#start >= this.#end) {
      this.#start = 0;
      this.#end = 0;
      if (this.#data.length > RETAIN_CAPACITY) this.#data = Buffer.alloc(0);
    }
  }

  #copyIn(chunk: Uint8Array): void {
    const needed = this.#end - this.#start + chunk.length;
    if (this.#end + chunk.length > this.#data.length) {
      if (needed <= this.#data.length && this.#start > 0) {
        this.#data.copyWithin(0, this.#start, this.#end);
      } else {
        const next = Buffer.allocUnsafe(Math.max(INITIAL_CAPACITY, needed, this.#data.length * 2));
        this.#data.copy(next, 0, this.#start, this.#end);
        this.#data = next;
      }
      this.#end -= this.#start;
      this.#start = 0;
    }
    this.#data.set(chunk, this.#end);
    this.#end += chunk.length;
  }
}

const INITIAL_CAPACITY = 4096;
/** Above this capacity an emptied queue gives its memory back instead of keeping it for reuse. */
const RETAIN_CAPACITY = 64 * 1024;

/** A growable FIFO of bytes: appends amortise to O(1), consumed bytes are reclaimed by compaction. */
export class ByteQueue {
  #data: Buffer = Buffer.alloc(0);
  #start = 0;
  #end = 0;

  get length(): number {
    return this.#end - this.#start;
  }

  /** The unconsumed bytes, without copying; valid until the next append or consume. */
  view(): Buffer {
    return this.#data.subarray(this.#start, this.#end);
  }

  append(chunk: Uint8Array): void {
    const needed = this.length + chunk.length;
    if (this.#end + chunk.length > this.#data.length) {
      if (needed <= this.#data.length && this.#start > 0) {
        this.#data.copyWithin(0, this.#start, this.#end);
      } else {
        const next = Buffer.allocUnsafe(Math.max(INITIAL_CAPACITY, needed, this.#data.length * 2));
        this.#data.copy(next, 0, this.#start, this.#end);
        this.#data = next;
      }
      this.#end = this.length;
      this.#start = 0;
    }
    this.#data.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  consume(count: number): void {
    this.#start += count;
    if (this.#start >= this.#end) {
      this.#start = 0;
      this.#end = 0;
      if (this.#data.length > RETAIN_CAPACITY) this.#data = Buffer.alloc(0);
    }
  }
}

import type { MsrpSession } from "./session.js";

/**
 * Bytes held by partial messages across all sessions of the edge (RFC 4975 §14.5: a peer can announce huge
 * messages and never finish them). Each session's reassembly buffers are re-read after every reassembler
 * call, so the total stays exact without scanning every session.
 */
export class BufferBudget {
  #totalBytes = 0;

  constructor(readonly limitBytes: number) {}

  get totalBytes(): number {
    return this.#totalBytes;
  }

  get isExhausted(): boolean {
    return this.#totalBytes >= this.limitBytes;
  }

  /** Call after the session's reassembler accepted, dropped or expired something. */
  settle(session: MsrpSession): void {
    const now = session.reassembler.bufferedBytes;
    this.#totalBytes += now - session.bufferedBytes;
    session.bufferedBytes = now;
  }

  /** The session ended: its buffers are gone. */
  release(session: MsrpSession): void {
    this.#totalBytes -= session.bufferedBytes;
    session.bufferedBytes = 0;
  }
}

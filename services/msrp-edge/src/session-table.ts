import { type MsrpUri, msrpUriKey } from "@stox/msrp-lite";
import type { MsrpEdgeConfig } from "./config.js";
import { MsrpSession } from "./session.js";

/** Messages one session may be reassembling at once. */
const MAX_PENDING_MESSAGES = 16;

export interface NewSession {
  readonly handle: string;
  readonly owner: string;
  readonly context?: Readonly<Record<string, string>>;
  readonly isSecure: boolean;
  readonly acceptTypes: readonly string[];
  readonly acceptWrappedTypes: readonly string[];
  readonly maxSize: number;
}

/** The live sessions of one edge, by handle and by our URI (what a To-Path names, MSRP-RECV-01). */
export class SessionTable {
  readonly #byHandle = new Map<string, MsrpSession>();
  readonly #byLocalKey = new Map<string, MsrpSession>();
  readonly #config: MsrpEdgeConfig;
  readonly #now: () => number;
  readonly #localUri: (isSecure: boolean) => MsrpUri;

  constructor(options: { config: MsrpEdgeConfig; now: () => number; localUri: (isSecure: boolean) => MsrpUri }) {
    this.#config = options.config;
    this.#now = options.now;
    this.#localUri = options.localUri;
  }

  get size(): number {
    return this.#byHandle.size;
  }

  /** A new session with a fresh URI (MSRP-URI-02: never one of another live session). */
  create(init: NewSession): MsrpSession {
    let localUri = this.#localUri(init.isSecure);
    for (let attempt = 1; this.#byLocalKey.has(msrpUriKey(localUri)); attempt++) {
      if (attempt >= 8) throw new Error("the session-id source keeps returning URIs of live sessions");
      localUri = this.#localUri(init.isSecure);
    }
    const session = new MsrpSession({
      ...init,
      localUri,
      maxPendingMessages: MAX_PENDING_MESSAGES,
      maxSize: Math.min(init.maxSize, this.#config.maxMessageBytes),
      nowMs: this.#now,
    });
    this.#byHandle.set(session.handle, session);
    this.#byLocalKey.set(msrpUriKey(localUri), session);
    return session;
  }

  get(handle: string): MsrpSession | undefined {
    return this.#byHandle.get(handle);
  }

  byLocalKey(key: string): MsrpSession | undefined {
    return this.#byLocalKey.get(key);
  }

  /** False when the session was already gone. */
  remove(session: MsrpSession): boolean {
    if (this.#byHandle.get(session.handle) !== session) return false;
    this.#byHandle.delete(session.handle);
    this.#byLocalKey.delete(msrpUriKey(session.localUri));
    return true;
  }

  all(): MsrpSession[] {
    return [...this.#byHandle.values()];
  }
}

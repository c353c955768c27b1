import type { Duplex } from "node:stream";
import type { Endpoint } from "./types.js";

/** One open stream connection, inbound or outbound, that responses and later requests may reuse. */
export interface PooledConnection {
  readonly id: string;
  readonly remote: Endpoint;
  readonly socket: Duplex;
  write(data: Buffer): Promise<void>;
  close(): void;
}

/**
 * Open connections of one transport, by id and by remote address (RFC 3261 §18.2.2: responses go back
 * over the connection the request came on; RFC 5923-style reuse for new requests to the same peer).
 */
export class ConnectionPool {
  readonly #byId = new Map<string, PooledConnection>();
  readonly #byRemote = new Map<string, PooledConnection>();

  get size(): number {
    return this.#byId.size;
  }

  add(conn: PooledConnection): void {
    this.#byId.set(conn.id, conn);
    this.#byRemote.set(remoteKey(conn.remote), conn);
  }

  remove(conn: PooledConnection): void {
    this.#byId.delete(conn.id);
    const key = remoteKey(conn.remote);
    if (this.#byRemote.get(key) === conn) this.#byRemote.delete(key);
  }

  byId(id: string | undefined): PooledConnection | undefined {
    return id === undefined ? undefined : this.#byId.get(id);
  }

  byRemote(address: string, port: number): PooledConnection | undefined {
    return this.#byRemote.get(remoteKey({ address, port }));
  }

  closeAll(): void {
    for (const c of [...this.#byId.values()]) c.close();
  }
}

function remoteKey(e: Endpoint): string {
  return `${e.address.toLowerCase()}|${e.port}`;
}

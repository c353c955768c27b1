export type TransportProtocol = "udp" | "tcp" | "tls" | "ws" | "wss";

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** Where a message came from: the transport, both ends, and for streams the connection it arrived on. */
export interface Source {
  readonly protocol: TransportProtocol;
  readonly remote: Endpoint;
  readonly local: Endpoint;
  /** Stream transports: the connection, so responses reuse it (RFC 3261 §18.2.2). */
  readonly connectionId?: string;
  /** TLS: the peer presented a client certificate that the configured CA verifies (mutual TLS). */
  readonly isTlsVerified?: boolean;
}

/** Where to send: a transport and an address, optionally pinned to an open connection. */
export interface Destination {
  readonly protocol: TransportProtocol;
  readonly address: string;
  readonly port: number;
  readonly connectionId?: string;
  /**
   * Streams: the port to connect to when no connection is open any more (RFC 3261 §18.2.2: the Via
   * sent-by port at the received address), since the source port of a closed connection is ephemeral.
   */
  readonly fallbackPort?: number;
}

export function isReliable(protocol: TransportProtocol): boolean {
  return protocol !== "udp";
}

/** Via transport token for a protocol (RFC 3261 §20.42, RFC 7118 §5). */
export function viaTransport(protocol: TransportProtocol): string {
  return protocol.toUpperCase();
}

export function protocolFromVia(transport: string): TransportProtocol | undefined {
  const t = transport.toLowerCase();
  return t === "udp" || t === "tcp" || t === "tls" || t === "ws" || t === "wss" ? t : undefined;
}

/** One listening transport. */
export interface Listener {
  readonly protocol: TransportProtocol;
  /** The bound address and port (the real port when 0 was asked). */
  readonly local: Endpoint;
  /** Sends bytes; rejects with TransportError when the peer cannot be reached. */
  send(data: Buffer, to: Destination): Promise<void>;
  /** Stream transports: whether a connection to this remote address is open now. */
  hasConnection?(address: string, port: number): boolean;
  close(): Promise<void>;
}

export type InboundHandler = (data: Buffer, source: Source) => void;

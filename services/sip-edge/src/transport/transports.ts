import type { TransportConfig } from "../config.js";
import { SipTransportError } from "../errors.js";
import { listenStream, type StreamLimits } from "./stream.js";
import type { Destination, InboundHandler, Listener, TransportProtocol } from "./types.js";
import { listenUdp } from "./udp.js";
import { listenWebSocket } from "./websocket.js";

export interface TransportsOptions {
  readonly listen: readonly TransportConfig[];
  readonly onMessage: InboundHandler;
  readonly limits: StreamLimits;
  /** Receive buffer for the UDP socket (0 or absent: the OS default). */
  readonly udpReceiveBufferBytes?: number;
  /** Server certificate and key; with `clientCa`, client certificates are requested and verified. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly clientCa?: string };
  /** Outgoing TLS options (tests trust a self-signed CA here). */
  readonly tlsClient?: import("node:tls").ConnectionOptions;
}

/** Mutual TLS: ask for a client certificate, but let unverified peers in (access control decides). */
function serverTls(tls: NonNullable<TransportsOptions["tls"]>): import("node:tls").TlsOptions {
  const base = { cert: tls.cert, key: tls.key };
  return tls.clientCa === undefined
    ? base
    : { ...base, ca: tls.clientCa, requestCert: true, rejectUnauthorized: false };
}

/** Every listening socket of one edge, and sending through the right one. */
export class Transports {
  readonly #listeners = new Map<TransportProtocol, Listener>();

  static async start(options: TransportsOptions): Promise<Transports> {
    const t = new Transports();
    try {
      for (const cfg of options.listen) {
        const common = { address: cfg.address, port: cfg.port, onMessage: options.onMessage };
        let l: Listener;
        if (cfg.protocol === "udp") {
          l = await listenUdp({
            ...common,
            maxMessageBytes: options.limits.maxMessageBytes,
            receiveBufferBytes: options.udpReceiveBufferBytes ?? 0,
          });
        } else if (cfg.protocol === "tcp" || cfg.protocol === "tls") {
          l = await listenStream({
            ...common,
            protocol: cfg.protocol,
            limits: options.limits,
            ...(options.tls === undefined ? {} : { tls: serverTls(options.tls) }),
            ...(options.tlsClient === undefined ? {} : { tlsClient: options.tlsClient }),
          });
        } else {
          l = await listenWebSocket({
            ...common,
            protocol: cfg.protocol,
            maxMessageBytes: options.limits.maxMessageBytes,
            maxConnections: options.limits.maxConnections,
            ...(options.tls === undefined ? {} : { tls: options.tls }),
          });
        }
        t.#listeners.set(cfg.protocol, l);
      }
    } catch (e) {
      await t.close();
      throw e;
    }
    return t;
  }

  get protocols(): TransportProtocol[] {
    return [...this.#listeners.keys()];
  }

  listener(protocol: TransportProtocol): Listener | undefined {
    return this.#listeners.get(protocol);
  }

  send(data: Buffer, to: Destination): Promise<void> {
    const l = this.#listeners.get(to.protocol);
    if (l === undefined) return Promise.reject(new SipTransportError(`no ${to.protocol} transport is listening`));
    return l.send(data, to);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#listeners.values()].map((l) => l.close()));
    this.#listeners.clear();
  }
}

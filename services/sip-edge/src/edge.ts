import { Resolver } from "node:dns/promises";
import type { Bus } from "@stox/bus";
import {
  createErrorResponse,
  createResponse,
  parseSipMessage,
  SipParseError,
  type SipRequest,
  serializeSipMessage,
} from "@stox/sip-parser";
import { checkAccess } from "./access/access-control.js";
import { parseCidrs } from "./access/cidr.js";
import { DigestAuthenticator } from "./access/digest.js";
import { RateLimiter } from "./access/rate-limiter.js";
import { type Clock, systemClock } from "./clock.js";
import type { SipEdgeConfig } from "./config.js";
import { DialogStore } from "./dialog/dialog-store.js";
import type { EdgeContext, EdgeErrorListener, EdgeObserver } from "./edge-context.js";
import { InboundHandler } from "./inbound.js";
import { OutboundHandler } from "./outbound.js";
import { checkRequest, type RequestPolicy } from "./request-checks.js";
import type { DnsResolver } from "./resolver.js";
import { TransactionLayer } from "./transaction/transaction-layer.js";
import { Transports } from "./transport/transports.js";
import type { Endpoint, Source, TransportProtocol } from "./transport/types.js";
import { recordSource, responseDestination } from "./via-received.js";

/** The KV bucket shared by every sip-edge instance and the mappers. */
export const DIALOG_BUCKET = "sip-dialogs";

export interface SipEdgeOptions {
  readonly config: SipEdgeConfig;
  readonly bus: Bus;
  readonly clock?: Clock;
  /** RFC 3263 lookups; default `node:dns` (tests pass a fake so everything stays on loopback). */
  readonly dns?: DnsResolver;
  readonly onError?: EdgeErrorListener;
  /** Metrics hooks. */
  readonly observer?: EdgeObserver;
  /** Options for outgoing TLS connections (CA to trust, servername). */
  readonly tlsClient?: import("node:tls").ConnectionOptions;
}

/**
 * One sip-edge instance: its sockets, its transactions, the inbound (SIP -> `stox.v1.sip.in.*`) and
 * outbound (`stox.v1.sip.out.request` -> SIP) halves, and the dialog store in the bus KV.
 */
export class SipEdge {
  readonly #transports: Transports;
  readonly #transactions: TransactionLayer;
  readonly #outbound: OutboundHandler;
  readonly #ctx: EdgeContext;
  #isStopped = false;

  private constructor(transports: Transports, transactions: TransactionLayer, ctx: EdgeContext) {
    this.#transports = transports;
    this.#transactions = transactions;
    this.#ctx = ctx;
    this.#outbound = new OutboundHandler(ctx);
  }

  static async start(options: SipEdgeOptions): Promise<SipEdge> {
    const { config, bus } = options;
    const clock = options.clock ?? systemClock;
    const onError = options.onError ?? (() => {});
    const kv = await bus.kv(DIALOG_BUCKET, { ttlSeconds: config.dialogTtlSeconds });
    let receive: (data: Buffer, source: Source) => void = () => {};
    const transports = await Transports.start({
      listen: config.transports,
      onMessage: (data, source) => receive(data, source),
      udpReceiveBufferBytes: config.udpReceiveBufferBytes,
      limits: {
        maxMessageBytes: config.maxMessageBytes,
        maxConnections: config.maxConnections,
        idleTimeoutMs: config.idleTimeoutMs,
        connectTimeoutMs: config.connectTimeoutMs,
      },
      ...(config.tlsCert !== undefined && config.tlsKey !== undefined
        ? {
            tls: {
              cert: config.tlsCert,
              key: config.tlsKey,
              ...(config.tlsClientCa === undefined ? {} : { clientCa: config.tlsClientCa }),
            },
          }
        : {}),
      ...(options.tlsClient === undefined ? {} : { tlsClient: options.tlsClient }),
    });
    const transactions = new TransactionLayer({
      clock,
      timers: config.timers,
      send: (data, to) => transports.send(data, to),
      reparse: (raw, source) => {
        const request = parseSipMessage(raw) as SipRequest;
        recordSource(request, source);
        return request;
      },
    });
    const screen = makeScreen(config, transports, clock);
    const ctx: EdgeContext = {
      config,
      bus,
      clock,
      transactions,
      transports,
      dialogs: new DialogStore(kv),
      dns: options.dns ?? new Resolver(),
      onError,
      observer: options.observer ?? {},
      screen: screen.transactional,
    };
    const edge = new SipEdge(transports, transactions, ctx);
    edge.#rateLimit = screen.stateless;
    receive = (data, source) => {
      // Nothing a peer sends may take the process down: unexpected errors are reported, the datagram dropped.
      try {
        edge.#receive(data, source);
      } catch (e) {
        onError(e as Error, { where: "receive" });
      }
    };
    transactions.setUser(new InboundHandler(ctx));
    edge.#outbound.start();
    return edge;
  }

  #rateLimit: (request: SipRequest, source: Source) => ReturnType<EdgeContext["screen"]> = () => undefined;

  /** Bound address of each transport (the real port when 0 was configured). */
  address(protocol: TransportProtocol): Endpoint | undefined {
    return this.#transports.listener(protocol)?.local;
  }

  get dialogs(): DialogStore {
    return this.#ctx.dialogs;
  }

  /** Stops consuming commands, stops every timer, closes every socket. */
  async stop(): Promise<void> {
    if (this.#isStopped) return;
    this.#isStopped = true;
    this.#outbound.stop();
    this.#transactions.close();
    await this.#transports.close();
  }

  #receive(data: Buffer, source: Source): void {
    if (this.#isStopped) return;
    let msg: ReturnType<typeof parseSipMessage>;
    try {
      // Size is checked after parsing so the 513 can be addressed (the parser's own maxBytes error has
      // no header context to answer with).
      msg = parseSipMessage(data);
    } catch (e) {
      this.#answerParseError(e, source);
      return;
    }
    if (!msg.isRequest) {
      this.#transactions.receiveResponse(msg, source);
      return;
    }
    this.#ctx.observer.requestReceived?.(msg.method, source.protocol);
    recordSource(msg, source);
    const to = responseDestination(msg, source);
    if (data.length > this.#ctx.config.maxMessageBytes) {
      this.#ctx.observer.refusedStateless?.(513);
      this.#sendStateless(serializeSipMessage(createResponse(msg, 513)), to);
      return;
    }
    const limited = this.#rateLimit(msg, source);
    if (limited !== undefined) {
      this.#ctx.observer.refusedStateless?.(limited.status);
      this.#sendStateless(serializeSipMessage(limited), to);
      return;
    }
    this.#transactions.receiveRequest(msg, source, to, data);
  }

  /** RFC 3261 §8.2 / §21.4.1: a malformed request is answered (400, 505, 513...) when it can be. */
  #answerParseError(e: unknown, source: Source): void {
    if (!(e instanceof SipParseError)) {
      this.#ctx.onError(e as Error, { where: "parse" });
      return;
    }
    const response = createErrorResponse(e);
    if (response === undefined) return;
    this.#ctx.observer.refusedStateless?.(response.status);
    this.#sendStateless(serializeSipMessage(response), {
      protocol: source.protocol,
      address: source.remote.address,
      port: source.remote.port,
      ...(source.connectionId === undefined ? {} : { connectionId: source.connectionId }),
    });
  }

  #sendStateless(data: Buffer, to: Parameters<Transports["send"]>[1]): void {
    this.#transports.send(data, to).catch((err: Error) => this.#ctx.onError(err, { where: "stateless send" }));
  }
}

function makeScreen(config: SipEdgeConfig, transports: Transports, clock: Clock) {
  const trusted = parseCidrs(config.trustedPeers);
  const digest =
    config.digestUsers !== undefined && config.digestRealm !== undefined && config.digestNonceSecret !== undefined
      ? new DigestAuthenticator({
          realm: config.digestRealm,
          users: config.digestUsers,
          nonceSecret: config.digestNonceSecret,
          nonceTtlMs: 300_000,
          clock,
          algorithms: config.digestAlgorithms,
        })
      : undefined;
  const rateLimiter =
    config.ratePerSecond > 0
      ? new RateLimiter({ ratePerSecond: config.ratePerSecond, burst: config.rateBurst, clock })
      : undefined;
  const ownSentBy = () =>
    transports.protocols.map((p) => `${config.publicHost.toLowerCase()}:${transports.listener(p)?.local.port ?? 5060}`);
  // Built at the first request (the listeners' ports are known by then) and reused: it never changes.
  let cachedPolicy: RequestPolicy | undefined;
  const policy = (): RequestPolicy =>
    (cachedPolicy ??= {
      allowedMethods: config.allowedMethods,
      supportedExtensions: config.supportedExtensions,
      uriSchemes: ["sip", "sips", "tel"],
      maxBodyBytes: config.maxBodyBytes,
      ownSentBy: ownSentBy(),
    });
  const everyone = parseCidrs(["0.0.0.0/0", "::/0"]);
  return {
    stateless: (request: SipRequest, source: Source) =>
      rateLimiter === undefined ? undefined : checkAccess(request, source, { trusted: everyone, rateLimiter }),
    transactional: (request: SipRequest, source: Source) =>
      checkRequest(request, policy()) ??
      checkAccess(request, source, { trusted, ...(digest === undefined ? {} : { digest }) }),
  };
}

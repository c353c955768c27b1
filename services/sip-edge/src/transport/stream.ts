import { randomUUID } from "node:crypto";
import { connect as netConnect, createServer as netServer, type Server, type Socket } from "node:net";
import {
  type ConnectionOptions,
  type TLSSocket,
  type TlsOptions,
  connect as tlsConnect,
  createServer as tlsServer,
} from "node:tls";
import { SipParseError, SipStreamFramer } from "@stox/sip-parser";
import { SipTransportError } from "../errors.js";
import { ConnectionPool, type PooledConnection } from "./connection-pool.js";
import type { Destination, Endpoint, InboundHandler, Listener } from "./types.js";

export interface StreamLimits {
  readonly maxMessageBytes: number;
  readonly maxConnections: number;
  /** A connection with no traffic for this long is closed. */
  readonly idleTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

export interface StreamListenOptions {
  readonly protocol: "tcp" | "tls";
  readonly address: string;
  readonly port: number;
  readonly onMessage: InboundHandler;
  /** Framing failures (oversize, bad Content-Length): the connection is closed after this is called. */
  readonly onFramingError?: (error: SipParseError, remote: Endpoint) => void;
  readonly limits: StreamLimits;
  /** Server certificate and key for TLS. */
  readonly tls?: TlsOptions;
  /** Options for outgoing TLS connections (CA, servername, rejectUnauthorized). */
  readonly tlsClient?: ConnectionOptions;
}

const CRLF = Buffer.from("\r\n");

/** RFC 3261 §18 over TCP or TLS: framed by Content-Length, connections kept and reused both ways. */
export async function listenStream(options: StreamListenOptions): Promise<Listener> {
  const pool = new ConnectionPool();
  const isTls = options.protocol === "tls";
  let local: Endpoint = { address: options.address, port: options.port };

  function adopt(socket: Socket, remote: Endpoint, isInbound = false): PooledConnection {
    const isTlsVerified = isTls && isInbound && (socket as TLSSocket).authorized === true;
    const framer = new SipStreamFramer({ maxMessageBytes: options.limits.maxMessageBytes, role: "server" });
    const conn: PooledConnection = {
      id: randomUUID(),
      remote,
      socket,
      write: (data) =>
        new Promise((done, fail) => {
          if (socket.destroyed) {
            fail(new SipTransportError(`connection to ${remote.address}:${remote.port} is closed`));
            return;
          }
          socket.write(data, (err) =>
            err ? fail(new SipTransportError("stream write failed", { cause: err })) : done(),
          );
        }),
      close: () => socket.destroy(),
    };
    pool.add(conn);
    socket.setNoDelay(true);
    socket.setTimeout(options.limits.idleTimeoutMs, () => socket.destroy());
    socket.on("data", (chunk: Buffer) => {
      let events: ReturnType<SipStreamFramer["push"]>;
      try {
        events = framer.push(chunk);
      } catch (e) {
        if (e instanceof SipParseError) options.onFramingError?.(e, remote);
        socket.destroy();
        return;
      }
      for (const ev of events) {
        // RFC 5626 §4.4.1: a CRLFCRLF ping is answered with one CRLF.
        if (ev.type === "ping") socket.write(CRLF);
        else if (ev.type === "message") {
          options.onMessage(ev.data, {
            protocol: options.protocol,
            remote,
            local,
            connectionId: conn.id,
            ...(isTlsVerified ? { isTlsVerified } : {}),
          });
        }
      }
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => pool.remove(conn));
    return conn;
  }

  const onConnection = (socket: Socket) => {
    if (pool.size >= options.limits.maxConnections) {
      socket.destroy();
      return;
    }
    adopt(socket, { address: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 }, true);
  };
  const server: Server = isTls
    ? tlsServer(options.tls ?? {}, onConnection)
    : netServer({ pauseOnConnect: false }, onConnection);
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port, options.address, () => {
      server.off("error", fail);
      done();
    });
  });
  const addr = server.address();
  if (addr !== null && typeof addr === "object") local = { address: addr.address, port: addr.port };

  function open(to: Destination): Promise<PooledConnection> {
    return new Promise((done, fail) => {
      const socket = isTls
        ? tlsConnect({ ...options.tlsClient, host: to.address, port: to.port })
        : netConnect({ host: to.address, port: to.port });
      const timer = setTimeout(() => socket.destroy(new Error("connect timeout")), options.limits.connectTimeoutMs);
      const ready = isTls ? "secureConnect" : "connect";
      socket.once(ready, () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        done(adopt(socket, { address: to.address, port: to.port }));
      });
      socket.once("error", (err) => {
        clearTimeout(timer);
        fail(new SipTransportError(`${options.protocol} connect to ${to.address}:${to.port} failed`, { cause: err }));
      });
    });
  }

  return {
    protocol: options.protocol,
    local,
    hasConnection: (address, port) => pool.byRemote(address, port) !== undefined,
    async send(data: Buffer, to: Destination): Promise<void> {
      let conn = pool.byId(to.connectionId) ?? pool.byRemote(to.address, to.port);
      if (conn === undefined) {
        if (pool.size >= options.limits.maxConnections) throw new SipTransportError("connection limit reached");
        conn = await open(to.fallbackPort === undefined ? to : { ...to, port: to.fallbackPort });
      }
      await conn.write(data);
    },
    close: () =>
      new Promise<void>((done) => {
        pool.closeAll();
        server.close(() => done());
      }),
  };
}

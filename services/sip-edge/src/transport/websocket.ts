import { randomUUID } from "node:crypto";
import { createServer as httpServer, type Server } from "node:http";
import { createServer as httpsServer } from "node:https";
import type { TlsOptions } from "node:tls";
import { type WebSocket, WebSocketServer } from "ws";
import { SipTransportError } from "../errors.js";
import type { Destination, Endpoint, InboundHandler, Listener } from "./types.js";

export interface WsListenOptions {
  readonly protocol: "ws" | "wss";
  readonly address: string;
  readonly port: number;
  readonly onMessage: InboundHandler;
  readonly maxMessageBytes: number;
  readonly maxConnections: number;
  readonly tls?: TlsOptions;
}

/**
 * RFC 7118: SIP over WebSocket. The "sip" subprotocol is required (§4.1); each WebSocket message
 * carries exactly one SIP message (§5), so no stream framing is needed. Only inbound connections:
 * responses and in-dialog requests reuse them by connection id or remote address.
 */
export async function listenWebSocket(options: WsListenOptions): Promise<Listener> {
  const server: Server = options.protocol === "wss" ? httpsServer(options.tls ?? {}) : httpServer();
  const wss = new WebSocketServer({
    server,
    maxPayload: options.maxMessageBytes,
    handleProtocols: (protocols) => (protocols.has("sip") ? "sip" : false),
  });
  const byId = new Map<string, WebSocket>();
  const byRemote = new Map<string, string>();
  let local: Endpoint = { address: options.address, port: options.port };
  wss.on("connection", (ws, req) => {
    if (ws.protocol !== "sip" || byId.size >= options.maxConnections) {
      ws.close(1002);
      return;
    }
    const id = randomUUID();
    const remote = { address: req.socket.remoteAddress ?? "", port: req.socket.remotePort ?? 0 };
    const key = `${remote.address}|${remote.port}`;
    byId.set(id, ws);
    byRemote.set(key, id);
    ws.on("message", (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      void isBinary;
      options.onMessage(buf, { protocol: options.protocol, remote, local, connectionId: id });
    });
    ws.on("error", () => ws.terminate());
    ws.on("close", () => {
      byId.delete(id);
      if (byRemote.get(key) === id) byRemote.delete(key);
    });
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port, options.address, () => {
      server.off("error", fail);
      done();
    });
  });
  const addr = server.address();
  if (addr !== null && typeof addr === "object") local = { address: addr.address, port: addr.port };
  return {
    protocol: options.protocol,
    local,
    hasConnection: (address, port) => byRemote.has(`${address}|${port}`),
    send(data: Buffer, to: Destination): Promise<void> {
      const id = to.connectionId ?? byRemote.get(`${to.address}|${to.port}`);
      const ws = id === undefined ? undefined : byId.get(id);
      if (ws === undefined) {
        return Promise.reject(new SipTransportError(`no WebSocket connection to ${to.address}:${to.port}`));
      }
      // RFC 7118 §5: text frames for UTF-8 messages are usual; binary is allowed for any message.
      return new Promise((done, fail) =>
        ws.send(data, { binary: !isUtf8(data) }, (err) =>
          err ? fail(new SipTransportError("WebSocket send failed", { cause: err })) : done(),
        ),
      );
    },
    close: () =>
      new Promise<void>((done) => {
        for (const ws of byId.values()) ws.terminate();
        wss.close(() => server.close(() => done()));
      }),
  };
}

function isUtf8(data: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}

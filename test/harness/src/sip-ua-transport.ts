import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { parseSipMessage, type SipMessageUnion, SipStreamFramer } from "@stox/sip-parser";

export interface SipPeer {
  readonly host: string;
  readonly port: number;
}

/** A message off the wire, with a way to answer on the same path (UDP source or TCP connection). */
export interface Inbound {
  readonly message: SipMessageUnion;
  readonly source: SipPeer;
  reply(data: Buffer): void;
}

export interface SipUaTransport {
  readonly port: number;
  send(data: Buffer, to: SipPeer): Promise<void>;
  close(): Promise<void>;
}

type OnInbound = (inbound: Inbound) => void;
type OnError = (error: unknown, raw: Buffer) => void;

function parse(raw: Buffer, onError: OnError): SipMessageUnion | undefined {
  try {
    return parseSipMessage(raw);
  } catch (err) {
    onError(err, raw);
    return undefined;
  }
}

export async function openUdp(port: number, onInbound: OnInbound, onError: OnError): Promise<SipUaTransport> {
  const socket: UdpSocket = createSocket("udp4");
  socket.on("message", (raw, rinfo) => {
    // Keep-alive CRLFs (RFC 5626 §3.5.1) are not messages.
    if (raw.toString("latin1").trim() === "") return;
    const message = parse(raw, onError);
    const source = { host: rinfo.address, port: rinfo.port };
    if (message) onInbound({ message, source, reply: (data) => socket.send(data, source.port, source.host) });
  });
  await new Promise<void>((done, fail) => {
    socket.once("error", fail);
    socket.bind(port, "127.0.0.1", () => {
      socket.off("error", fail);
      done();
    });
  });
  return {
    port,
    send: (data, to) =>
      new Promise((done, fail) => socket.send(data, to.port, to.host, (err) => (err ? fail(err) : done()))),
    close: () => new Promise((done) => socket.close(() => done())),
  };
}

export async function openTcp(port: number, onInbound: OnInbound, onError: OnError): Promise<SipUaTransport> {
  const sockets = new Set<Socket>();
  const outbound = new Map<string, Promise<Socket>>();
  const attach = (socket: Socket) => {
    sockets.add(socket);
    const framer = new SipStreamFramer();
    const source = { host: socket.remoteAddress ?? "127.0.0.1", port: socket.remotePort ?? 0 };
    socket.on("data", (chunk: Buffer) => {
      let events: ReturnType<SipStreamFramer["push"]>;
      try {
        events = framer.push(chunk);
      } catch (err) {
        onError(err, chunk);
        socket.destroy();
        return;
      }
      for (const e of events) {
        if (e.type === "ping") socket.write("\r\n");
        if (e.type !== "message") continue;
        const message = parse(e.data, onError);
        if (message) onInbound({ message, source, reply: (data) => socket.write(data) });
      }
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => sockets.delete(socket));
  };
  const server: Server = createServer(attach);
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", fail);
      done();
    });
  });
  const connect = (to: SipPeer): Promise<Socket> => {
    const key = `${to.host}:${to.port}`;
    let pending = outbound.get(key);
    if (pending === undefined) {
      pending = new Promise<Socket>((done, fail) => {
        const socket = createConnection({ host: to.host, port: to.port }, () => done(socket));
        socket.once("error", (err) => {
          outbound.delete(key);
          fail(err);
        });
        socket.once("close", () => outbound.delete(key));
        attach(socket);
      });
      outbound.set(key, pending);
    }
    return pending;
  };
  return {
    port,
    send: async (data, to) => {
      const socket = await connect(to);
      await new Promise<void>((done, fail) => socket.write(data, (err) => (err ? fail(err) : done())));
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

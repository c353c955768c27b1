import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { SipTransportError } from "../errors.js";
import type { Destination, Endpoint, InboundHandler, Listener } from "./types.js";

export interface UdpListenOptions {
  readonly address: string;
  readonly port: number;
  readonly onMessage: InboundHandler;
  /** Datagrams longer than this are dropped unread (the parser answers 513 for what it sees). */
  readonly maxMessageBytes: number;
  /** Receive buffer asked of the OS (Linux caps it at net.core.rmem_max); 0 keeps the OS default. */
  readonly receiveBufferBytes: number;
}

/** RFC 3261 §18: one datagram = one message. Binds one socket, used for sending too (so rport works). */
export async function listenUdp(options: UdpListenOptions): Promise<Listener> {
  const socket: Socket = createSocket({ type: isIPv6(options.address) ? "udp6" : "udp4" });
  await new Promise<void>((done, fail) => {
    socket.once("error", fail);
    socket.bind(options.port, options.address, () => {
      socket.off("error", fail);
      done();
    });
  });
  // A burst, or a pause of the event loop (GC, a busy neighbour on the CPU), should queue in the kernel rather
  // than be dropped; but a deep queue only turns overload into seconds of delay and UAC retransmissions.
  if (options.receiveBufferBytes > 0) {
    try {
      socket.setRecvBufferSize(options.receiveBufferBytes);
    } catch {
      // Not permitted here: the OS default stays.
    }
  }
  const bound = socket.address();
  const local: Endpoint = { address: bound.address, port: bound.port };
  // ICMP errors surface as socket errors on some platforms; a datagram socket stays usable.
  socket.on("error", () => {});
  socket.on("message", (data, rinfo) => {
    if (data.length > options.maxMessageBytes + 4096) return;
    options.onMessage(data, { protocol: "udp", remote: { address: rinfo.address, port: rinfo.port }, local });
  });
  return {
    protocol: "udp",
    local,
    send(data: Buffer, to: Destination): Promise<void> {
      return new Promise((done, fail) => {
        socket.send(data, to.port, to.address, (err) =>
          err ? fail(new SipTransportError(`UDP send to ${to.address}:${to.port} failed`, { cause: err })) : done(),
        );
      });
    },
    close: () => new Promise<void>((done) => socket.close(() => done())),
  };
}

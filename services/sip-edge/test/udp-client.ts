// A minimal SIP UDP peer for in-process tests: sends raw text, collects parsed responses/requests.
import { createSocket, type Socket } from "node:dgram";
import { parseSipMessage, type SipRequest, type SipResponse } from "@stox/sip-parser";

export interface UdpPeer {
  readonly port: number;
  readonly received: (SipRequest | SipResponse)[];
  /** Datagrams that did not parse even leniently. */
  readonly unparsed: Buffer[];
  send(text: string, port: number): void;
  sendBytes(data: Buffer, port: number): void;
  /** Resolves when a message matching `pick` has arrived (checks earlier arrivals first). */
  waitFor<T extends SipRequest | SipResponse>(pick: (m: SipRequest | SipResponse) => m is T): Promise<T>;
  waitFor(pick: (m: SipRequest | SipResponse) => boolean): Promise<SipRequest | SipResponse>;
  close(): Promise<void>;
}

export async function startUdpPeer(): Promise<UdpPeer> {
  const socket: Socket = createSocket("udp4");
  await new Promise<void>((done) => socket.bind(0, "127.0.0.1", () => done()));
  const received: (SipRequest | SipResponse)[] = [];
  const unparsed: Buffer[] = [];
  const waiters: { pick: (m: SipRequest | SipResponse) => boolean; done: (m: SipRequest | SipResponse) => void }[] = [];
  socket.on("message", (data) => {
    // validate: false, so a 400 that echoes the malformed CSeq it answers can still be inspected.
    let m: SipRequest | SipResponse;
    try {
      m = parseSipMessage(data, { validate: false });
    } catch {
      unparsed.push(data);
      return;
    }
    received.push(m);
    for (const w of [...waiters]) {
      if (w.pick(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.done(m);
      }
    }
  });
  return {
    port: socket.address().port,
    received,
    unparsed,
    send: (text, port) => socket.send(Buffer.from(text.replace(/\r?\n/g, "\r\n")), port, "127.0.0.1"),
    sendBytes: (data, port) => socket.send(data, port, "127.0.0.1"),
    waitFor: ((pick: (m: SipRequest | SipResponse) => boolean) => {
      const found = received.find(pick);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((done) => waiters.push({ pick, done }));
    }) as UdpPeer["waitFor"],
    close: () => new Promise<void>((done) => socket.close(() => done())),
  };
}

/** A request as text with LF line ends (converted on send), shaped after RFC 3261 §24.2. */
export function sipText(
  method: string,
  peerPort: number,
  opts: { callId?: string; branch?: string; toTag?: string; cseq?: number; extra?: string[]; body?: string } = {},
): string {
  const body = opts.body ?? "";
  return [
    `${method} sip:gw@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${peerPort};branch=${opts.branch ?? `z9hG4bK${Math.random().toString(36).slice(2)}`};rport`,
    "Max-Forwards: 70",
    `From: <sip:alice@atlanta.example.com>;tag=alice1`,
    `To: <sip:bob@gw.example>${opts.toTag ? `;tag=${opts.toTag}` : ""}`,
    `Call-ID: ${opts.callId ?? `call-${Math.random().toString(36).slice(2)}`}`,
    `CSeq: ${opts.cseq ?? 1} ${method}`,
    `Contact: <sip:alice@127.0.0.1:${peerPort}>`,
    ...(opts.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    "",
    body,
  ].join("\n");
}

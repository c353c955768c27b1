// The least a gateway process can do per SIP MESSAGE: take one datagram, write one stanza-sized chunk to a TCP
// peer, answer one datagram. Run as its own process by floor.bench.ts ("relay" or "sink" role).
import { createSocket } from "node:dgram";
import { connect, createServer } from "node:net";

const [role, tcpPort] = process.argv.slice(2);
if (role === "sink") {
  const server = createServer((socket) => socket.on("data", () => {}));
  server.listen(0, "127.0.0.1", () => process.send?.(server.address().port));
} else {
  const out = connect(Number(tcpPort), "127.0.0.1");
  out.setNoDelay(true);
  const stanza = `<message to='alice@localhost' id='x'><body>${"x".repeat(240)}</body></message>`;
  const udp = createSocket("udp4");
  udp.on("message", (datagram, peer) => {
    out.write(stanza);
    udp.send(datagram.subarray(0, 200), peer.port, peer.address);
  });
  out.on("connect", () => udp.bind(0, "127.0.0.1", () => process.send?.(udp.address().port)));
}

// The far SIP end of the sip-edge CPU bench, in its own process so the bench measures only the edge's.
// argv: "uac" <edgePort> <count> <window>: sends MESSAGEs (unique branches), keeps <window> in flight, and
// reports over IPC when <count> final responses came back. "uas": answers every MESSAGE with 200.
import { createSocket } from "node:dgram";

const [mode, edgePortArg, countArg, windowArg] = process.argv.slice(2);
const socket = createSocket("udp4");
await new Promise((done) => socket.bind(0, "127.0.0.1", done));
const port = socket.address().port;

function header(text, name) {
  const at = text.indexOf(`\r\n${name}:`);
  return text.slice(at + 2, text.indexOf("\r\n", at + 2));
}

if (mode === "uas") {
  socket.on("message", (data, rinfo) => {
    const text = data.toString("latin1");
    if (!text.startsWith("MESSAGE ")) return;
    const lines = [];
    for (const name of ["Via", "From", "To", "Call-ID", "CSeq"]) lines.push(header(text, name));
    lines[2] += ";tag=uas";
    socket.send(`SIP/2.0 200 OK\r\n${lines.join("\r\n")}\r\nContent-Length: 0\r\n\r\n`, rinfo.port, rinfo.address);
  });
  process.send({ port });
} else {
  const edgePort = Number(edgePortArg);
  const count = Number(countArg);
  const window = Number(windowArg);
  let next = 0;
  let answered = 0;
  const send = () => {
    const n = next++;
    const body = "hello from the bench";
    socket.send(
      `MESSAGE sip:gw@127.0.0.1 SIP/2.0\r\n` +
        `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKcpu${process.pid}x${n};rport\r\n` +
        "Max-Forwards: 70\r\nFrom: <sip:load@127.0.0.1>;tag=bench\r\nTo: <sip:gw@127.0.0.1>\r\n" +
        `Call-ID: cpu-${process.pid}-${n}\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body}`,
      edgePort,
      "127.0.0.1",
    );
  };
  socket.on("message", (data) => {
    if (data.toString("latin1", 0, 12) === "SIP/2.0 100 ") return;
    answered++;
    if (answered === count) {
      process.send({ answered });
      socket.close();
      return;
    }
    if (next < count) send();
  });
  for (let i = 0; i < window && i < count; i++) send();
}

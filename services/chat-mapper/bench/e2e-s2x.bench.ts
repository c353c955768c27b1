// Issue 8, end to end: SIP MESSAGE (UDP, from this process) -> sip-edge -> chat-mapper -> xmpp-edge ->
// Prosody (component) -> an @xmpp/client user. Offered at fixed rates, embedded bus and NATS, stock Prosody
// and Prosody with Nagle off. Latency is SIP send -> stanza at the client.

import { createSocket } from "node:dgram";
import { cpus, loadavg } from "node:os";
import type { BenchTable } from "../../../bench/table.ts";
import {
  COLUMNS,
  type LoadTarget,
  newPoint,
  offerLoad,
  RATES,
  row,
  runMatrix,
  SECONDS,
  WARM_UP,
} from "./e2e-support.js";

function messageBytes(localPort: number, tag: string, seq: number): Buffer {
  const body = `b${tag}-${seq}`;
  return Buffer.from(
    `MESSAGE sip:alice@localhost SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=z9hG4bK${tag}${seq};rport\r\n` +
      "Max-Forwards: 70\r\n" +
      `From: <sip:bob@sip.localhost>;tag=${tag}${seq}\r\n` +
      "To: <sip:alice@localhost>\r\n" +
      `Call-ID: ${tag}-${seq}@bench\r\n` +
      "CSeq: 1 MESSAGE\r\n" +
      "Content-Type: text/plain;charset=UTF-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export async function run(): Promise<BenchTable[]> {
  const rows: (string | number)[][] = [];
  const socket = createSocket("udp4");
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  const localPort = socket.address().port;
  let failures = 0;
  let successes = 0;
  socket.on("message", (data) => {
    const status = Number(data.toString("latin1", 8, 11));
    if (status >= 300) failures++;
    else if (status >= 200) successes++;
  });
  // Each point has its own tag; arrivals are routed to the current point's array.
  let current: { tag: string; arrivals: Float64Array } | undefined;
  const onStanza = (stanza: { is(n: string): boolean; getChildText(n: string): string | null }) => {
    if (!stanza.is("message") || current === undefined) return;
    const body = stanza.getChildText("body");
    if (body?.startsWith(`b${current.tag}-`))
      current.arrivals[Number(body.slice(current.tag.length + 2))] = performance.now();
  };
  try {
    await runMatrix({
      outboundProxyPort: localPort,
      onClient: (client) => client.xmpp.on("stanza", onStanza),
      async measure({ kind, mode, gateway }) {
        const target = (count: number): LoadTarget => {
          current = newPoint(count);
          const { tag, arrivals } = current;
          return {
            arrivals,
            send: (seq) => socket.send(messageBytes(localPort, tag, seq), gateway.sipPort, "127.0.0.1"),
          };
        };
        await offerLoad(WARM_UP.rate, WARM_UP.seconds, target, gateway.cpu); // warm-up (JIT, connections)
        for (const rate of RATES) {
          const before = successes;
          const result = await offerLoad(rate, SECONDS, target, gateway.cpu);
          rows.push([...row(mode, kind, result), successes - before]);
        }
      },
    });
  } finally {
    socket.close();
  }
  return [
    {
      title: "chat-mapper end to end: SIP MESSAGE -> sip-edge -> chat-mapper -> xmpp-edge -> Prosody -> XMPP client",
      columns: [...COLUMNS, "SIP 2xx"],
      rows,
      notes: [
        `Load average (1 min) at the end: ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores, shared with other engineers' test runs; read the numbers with that in mind.`,
        `${SECONDS} s per offered rate (CHAT_BENCH_SECONDS) after ${WARM_UP.seconds} s of warm-up at ${WARM_UP.rate}/s, load generator and XMPP client in the bench process, 2 shared cores.`,
        "Loss = not at the client 2 s after the last send; the generator does not retransmit (a real UAC would, over UDP). SIP 2xx = 200 OKs received for the point.",
        "CPU = user+system of the gateway process (sip-edge + xmpp-edge + chat-mapper) plus nats-server in NATS mode, per delivered message.",
        `Reference (Kamailio 5.6 xmpp module, same machine class): ~7,000/s with no loss; 1k/s p50 2.1 / p99 5.3 ms with Nagle off (6.2 / 42.7 stock); ~150 µs/msg at 1k/s, ~93 at 7k/s. SIP responses >= 300 seen: ${failures}.`,
      ],
    },
  ];
}

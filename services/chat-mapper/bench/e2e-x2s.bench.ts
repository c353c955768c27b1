// Issue 8, the reverse row: an @xmpp/client user -> Prosody -> xmpp-edge -> chat-mapper -> sip-edge -> a SIP
// UA (UDP, in this process) that answers 200. Offered at fixed rates to 100 SIP users (one outstanding
// MESSAGE per target, RFC 3428 §8), embedded bus and NATS, stock Prosody and Prosody with Nagle off.
import { createSocket } from "node:dgram";
import { cpus, loadavg } from "node:os";
import { xml } from "@stox/test-harness";
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

const TARGETS = 100;

/** A 200 OK for a request (RFC 3261 §8.2.6: Via, From, Call-ID, CSeq copied; To gets a tag). */
function okFor(request: string): string | undefined {
  const head = request.slice(0, request.indexOf("\r\n\r\n"));
  const lines = head.split("\r\n");
  const copy = lines.filter((l) => /^(via|v|from|f|call-id|i|cseq):/i.test(l));
  const to = lines.find((l) => /^(to|t):/i.test(l));
  if (to === undefined) return undefined;
  return `SIP/2.0 200 OK\r\n${copy.join("\r\n")}\r\n${to};tag=bench\r\nContent-Length: 0\r\n\r\n`;
}

export async function run(): Promise<BenchTable[]> {
  const rows: (string | number)[][] = [];
  const ua = createSocket("udp4");
  await new Promise<void>((r) => ua.bind(0, "127.0.0.1", () => r()));
  let current: { tag: string; arrivals: Float64Array } | undefined;
  ua.on("message", (data, from) => {
    const text = data.toString("utf8");
    if (!text.startsWith("MESSAGE ")) return;
    const ok = okFor(text);
    if (ok !== undefined) ua.send(ok, from.port, from.address);
    const body = text.slice(text.indexOf("\r\n\r\n") + 4);
    if (current && body.startsWith(`b${current.tag}-`)) {
      current.arrivals[Number(body.slice(current.tag.length + 2))] = performance.now();
    }
  });
  let errors = 0;
  try {
    await runMatrix({
      outboundProxyPort: ua.address().port,
      onClient: (client) =>
        client.xmpp.on("stanza", (s: { attrs: { type?: string } }) => {
          if (s.attrs.type === "error") errors++;
        }),
      async measure({ kind, mode, gateway, client }) {
        const target = (count: number): LoadTarget => {
          current = newPoint(count);
          const { tag, arrivals } = current;
          return {
            arrivals,
            send: (seq) => {
              const stanza = xml(
                "message",
                { to: `bob${seq % TARGETS}@sip.localhost`, id: `${tag}${seq}` },
                xml("body", {}, `b${tag}-${seq}`),
              );
              client.xmpp.send(stanza).catch(() => undefined);
            },
          };
        };
        await offerLoad(WARM_UP.rate, WARM_UP.seconds, target, gateway.cpu); // warm-up
        for (const rate of RATES) rows.push(row(mode, kind, await offerLoad(rate, SECONDS, target, gateway.cpu)));
      },
    });
  } finally {
    ua.close();
  }
  return [
    {
      title: "chat-mapper end to end: XMPP client -> Prosody -> xmpp-edge -> chat-mapper -> sip-edge -> SIP UA",
      columns: COLUMNS,
      rows,
      notes: [
        `Load average (1 min) at the end: ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores, shared with other engineers' test runs; read the numbers with that in mind.`,
        `${SECONDS} s per offered rate (CHAT_BENCH_SECONDS) after ${WARM_UP.seconds} s of warm-up at ${WARM_UP.rate}/s; sender client and SIP UA in the bench process. Error stanzas seen by the sender: ${errors}.`,
        "CPU = user+system of the gateway process (sip-edge + xmpp-edge + chat-mapper) plus nats-server in NATS mode, per delivered message.",
        "Reference (Kamailio 5.6, same Prosody and machine class): ~8,000 XMPP -> SIP MESSAGE/s sustained; p99 5.4 ms at 1k/s.",
      ],
    },
  ];
}

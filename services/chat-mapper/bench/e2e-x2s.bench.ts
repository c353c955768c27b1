// Issue 8, the reverse row: an @xmpp/client user -> Prosody -> xmpp-edge -> chat-mapper -> sip-edge -> a SIP
// UA (UDP, in this process) that answers 200. Offered at fixed rates to 100 SIP users (one outstanding
// MESSAGE per target, RFC 3428 §8), embedded bus and NATS, stock Prosody and Prosody with Nagle off.
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { cpus, loadavg } from "node:os";
import { cleanup, type XmppTestClient, xml, xmppClient } from "@stox/test-harness";
import type { BenchTable } from "../../../bench/table.ts";
import {
  COLUMNS,
  type LoadTarget,
  offerLoad,
  orTimeout,
  type ProsodyKind,
  RATES,
  row,
  SECONDS,
  startBenchProsody,
  startGateway,
  within,
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
    for (const kind of ["stock", "nagle off"] as ProsodyKind[]) {
      const prosody = await orTimeout(startBenchProsody(kind, ["alice"]), 30_000, "prosody");
      let alice: XmppTestClient | undefined;
      try {
        alice = await orTimeout(
          xmppClient({ service: prosody.service, domain: "localhost", username: "alice", password: "pw" }),
          20_000,
          "xmpp client",
        );
        alice.xmpp.on("stanza", (s: { attrs: { type?: string } }) => {
          if (s.attrs.type === "error") errors++;
        });
        const client = alice;
        for (const mode of ["embedded", "nats"] as const) {
          const gateway = await orTimeout(startGateway(mode, prosody, ua.address().port), 40_000, "gateway");
          try {
            const target = (count: number): LoadTarget => {
              const tag = randomBytes(4).toString("hex");
              const arrivals = new Float64Array(count).fill(Number.NaN);
              current = { tag, arrivals };
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
            await offerLoad(500, 0.5, target, gateway.cpu); // warm-up
            for (const rate of RATES) rows.push(row(mode, kind, await offerLoad(rate, SECONDS, target, gateway.cpu)));
          } finally {
            await within(gateway.stop(), 15_000);
          }
        }
      } finally {
        await within(alice?.stop(), 3000); // a client with a full send queue may never flush its goodbye
        await within(prosody.stop(), 10_000);
      }
    }
  } finally {
    ua.close();
    await within(cleanup(), 20_000);
  }
  return [
    {
      title: "chat-mapper end to end: XMPP client -> Prosody -> xmpp-edge -> chat-mapper -> sip-edge -> SIP UA",
      columns: COLUMNS,
      rows,
      notes: [
        `Load average (1 min) at the end: ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores, shared with other engineers' test runs; read the numbers with that in mind.`,
        `${SECONDS} s per offered rate (CHAT_BENCH_SECONDS; issue 8 asks for 10 s); sender client and SIP UA in the bench process. Error stanzas seen by the sender: ${errors}.`,
        "CPU = user+system of the gateway process (sip-edge + xmpp-edge + chat-mapper) plus nats-server in NATS mode, per delivered message.",
        "Reference (Kamailio 5.6, same Prosody and machine class): ~8,000 XMPP -> SIP MESSAGE/s sustained; p99 5.4 ms at 1k/s.",
      ],
    },
  ];
}

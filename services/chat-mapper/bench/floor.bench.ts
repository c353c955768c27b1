// What this machine charges before any gateway logic runs, paced exactly like the end-to-end benches (2 ms
// steps): (1) a Node process that relays each datagram to a TCP peer and answers it, the least a SIP -> XMPP
// gateway process does; (2) request/reply round trips through nats-server, the least each bus hop costs.
// The issue 8 targets are CPU µs per message; these rows are their floor on this machine class.
import { fork } from "node:child_process";
import { createSocket } from "node:dgram";
import { resolve } from "node:path";
import { connectNatsBus } from "@stox/bus";
import { startNats } from "@stox/test-harness";
import type { BenchTable } from "../../../bench/table.ts";
import { cpuSeconds, pace } from "./e2e-support.js";

const RATES = [1000, 2000, 4000, 7000];
const SECONDS = 3;
const RELAY = resolve(import.meta.dirname, "floor-relay.mjs");

/** Offers `rate` calls of `send` per second for SECONDS, paced as the end-to-end points are. */
async function paceFor(rate: number, send: () => void): Promise<number> {
  const count = rate * SECONDS;
  await pace(rate, count, send);
  return count;
}

function startChild(args: string[]) {
  const child = fork(RELAY, args, { stdio: "ignore" });
  const port = new Promise<number>((done) => child.once("message", (m) => done(Number(m))));
  return { child, port };
}

async function relayRows(): Promise<(string | number)[][]> {
  const sink = startChild(["sink"]);
  const relay = startChild(["relay", String(await sink.port)]);
  const relayPort = await relay.port;
  const udp = createSocket("udp4");
  await new Promise<void>((r) => udp.bind(0, "127.0.0.1", () => r()));
  let answers = 0;
  udp.on("message", () => answers++);
  const datagram = Buffer.alloc(420, 0x41);
  const rows: (string | number)[][] = [];
  try {
    for (const rate of RATES) {
      answers = 0;
      const before = cpuSeconds(relay.child.pid);
      const count = await paceFor(rate, () => udp.send(datagram, relayPort, "127.0.0.1"));
      await new Promise((r) => setTimeout(r, 300));
      const micros = ((cpuSeconds(relay.child.pid) - before) * 1e6) / count;
      rows.push(["UDP in -> TCP write -> UDP answer (one process)", rate, micros, answers / count]);
    }
  } finally {
    udp.close();
    relay.child.kill();
    sink.child.kill();
  }
  return rows;
}

async function natsRows(): Promise<(string | number)[][]> {
  const nats = await startNats({ isPrivate: true });
  const bus = await connectNatsBus({ url: nats.url, name: "floor" });
  bus.subscribe("floor.echo", (m) => bus.respond(m, m.data), { queue: "floor" });
  const payload = new Uint8Array(600);
  const rows: (string | number)[][] = [];
  try {
    // Warm-up: JIT and the connection's buffers, so the first measured row is not the slowest for nothing.
    await paceFor(1000, () => void bus.request("floor.echo", payload, { timeoutMs: 10_000 }).catch(() => undefined));
    for (const hops of [1, 2]) {
      for (const rate of RATES) {
        const pending: Promise<void>[] = [];
        let answered = 0;
        const chain = async () => {
          for (let h = 0; h < hops; h++) await bus.request("floor.echo", payload, { timeoutMs: 10_000 });
          answered++;
        };
        const before = cpuSeconds(process.pid) + cpuSeconds(nats.pid);
        const count = await paceFor(rate, () => pending.push(chain()));
        await Promise.allSettled(pending);
        const micros = ((cpuSeconds(process.pid) + cpuSeconds(nats.pid) - before) * 1e6) / count;
        rows.push([
          `${hops} request/reply round trip${hops > 1 ? "s" : ""} via nats-server`,
          rate,
          micros,
          answered / count,
        ]);
      }
    }
  } finally {
    await bus.drain();
    await nats.stop();
  }
  return rows;
}

export async function run(): Promise<BenchTable[]> {
  const rows = [...(await relayRows()), ...(await natsRows())];
  return [
    {
      title: "Floor: CPU the machine charges per message before any gateway logic",
      columns: ["what", "offered/s", "CPU µs/msg", "answered share"],
      rows,
      notes: [
        `${SECONDS} s per rate, paced in 2 ms steps like the end-to-end benches; CPU from /proc (user + system) of the relaying process, or of this process plus nats-server.`,
        "The relay row is the least any one-process SIP -> XMPP gateway pays per message here (three system calls, one wake-up per step); the NATS rows are what each sequential bus hop adds in NATS mode (S2X makes two sequential requests, i.e. four messages through nats-server, plus one KV write).",
        "Issue 8's targets at 1k/s are 75 µs (embedded) and 150 µs (NATS, nats-server included) per message.",
      ],
    },
  ];
}

// CPU and heap allocation per SIP MESSAGE inside one sip-edge, both directions over UDP on loopback:
// S2X: a peer sends MESSAGE, the edge runs a server transaction, asks the in-memory bus, an in-process
// responder answers 200 from a pre-encoded reply, the edge sends the 200 and keeps the transaction for Timer J.
// X2S: a pre-encoded `stox.v1.sip.out.request` goes to the edge, which runs a client transaction to a peer
// answering 200 and replies with the response event.
// The SIP peer runs in a child process (udp-peer.mjs), so process.cpuUsage() here counts the edge, the memory
// bus and the trivial responder/requester only. Heap bytes come from V8's sampling heap profiler (objects
// collected by minor and major GC included), run as a separate pass so it does not inflate the CPU numbers.
// Deterministic before/after (user-space instructions per message): run under `valgrind --tool=callgrind`
// with SIP_EDGE_BENCH_HEAP=0 SIP_EDGE_BENCH_REPEAT=1 at two SIP_EDGE_BENCH_COUNT values and divide the
// difference of the totals by the difference of the counts; SIP_EDGE_BENCH_SRC points at the other src/.
import { type ChildProcess, fork } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { type Bus, createMemoryBus } from "@stox/bus";
import {
  SIP_OUT_REQUEST,
  sipInSubject,
  sipRequestCommandCodec,
  sipResponseCommandCodec,
  sipResponseReceivedCodec,
} from "@stox/events";
import type { BenchTable } from "../../../bench/table.ts";
import { defaultConfig } from "../src/config.js";
import type { SipEdge } from "../src/edge.js";

const WARMUP = 5000;
const COUNT = Number(process.env.SIP_EDGE_BENCH_COUNT ?? 20_000);
const REPEAT = Number(process.env.SIP_EDGE_BENCH_REPEAT ?? 3);
const WINDOW = 64;
const PEER = new URL("./udp-peer.mjs", import.meta.url);
/**
 * "s2x" or "x2s" runs one direction only (profiling); SIP_EDGE_BENCH_HEAP_PROFILE=<dir> keeps the heap samples;
 * SIP_EDGE_BENCH_HEAP=0 skips the heap pass (for --cpu-prof).
 */
const ONLY = process.env.SIP_EDGE_BENCH_ONLY;
const HEAP_PROFILE_DIR = process.env.SIP_EDGE_BENCH_HEAP_PROFILE;
/** Another copy of src/ to measure (e.g. a checkout of the previous commit), relative to this file. */
const SRC = process.env.SIP_EDGE_BENCH_SRC ?? "../src";

interface Pass {
  readonly cpuUs: number;
  readonly elapsedMs: number;
}

function startPeer(args: string[]): { child: ChildProcess; first: Promise<{ port?: number; answered?: number }> } {
  const child = fork(PEER, args, { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const first = new Promise<{ port?: number; answered?: number }>((done, fail) => {
    child.once("message", (m) => done(m as { port?: number }));
    child.once("exit", (code) => fail(new Error(`udp-peer exited (${code}) before reporting`)));
  });
  return { child, first };
}

/** Times `drive` (which resolves when `count` messages completed) in CPU µs and wall ms. */
async function timed(drive: () => Promise<void>): Promise<Pass> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await drive();
  const c = process.cpuUsage(c0);
  return { cpuUs: c.user + c.system, elapsedMs: performance.now() - t0 };
}

/** Bytes allocated on the V8 heap while `drive` runs (sampled, unbiased estimate). */
async function allocated(label: string, drive: () => Promise<void>): Promise<number> {
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await drive();
  const { profile } = await session.post("HeapProfiler.getSamplingProfile");
  await session.post("HeapProfiler.stopSampling");
  session.disconnect();
  if (HEAP_PROFILE_DIR !== undefined) {
    const file = `${HEAP_PROFILE_DIR}/${label.slice(0, 3).toLowerCase()}.heapprofile`;
    await writeFile(file, JSON.stringify(profile));
  }
  let bytes = 0;
  const walk = (n: { selfSize: number; children: (typeof n)[] }) => {
    bytes += n.selfSize;
    for (const c of n.children) walk(c);
  };
  walk(profile.head as never);
  return bytes;
}

async function startEdge(bus: Bus): Promise<SipEdge> {
  const { SipEdge } = (await import(
    new URL(`${SRC}/edge.ts`, import.meta.url).href
  )) as typeof import("../src/edge.js");
  return SipEdge.start({
    bus,
    config: defaultConfig({ transports: [{ protocol: "udp", address: "127.0.0.1", port: 0 }] }),
  });
}

/** S2X: `count` MESSAGEs from a child UAC; resolves when all were answered. */
function sipToBus(edgePort: number) {
  return (count: number) => async () => {
    const { child, first } = startPeer(["uac", String(edgePort), String(count), String(WINDOW)]);
    const r = await first;
    if (r.answered !== count) throw new Error(`S2X: ${r.answered} of ${count} answered`);
    await new Promise((done) => child.once("exit", done));
  };
}

/** X2S: `count` commands on the bus with WINDOW in flight; resolves when all got their 200. */
function busToSip(bus: Bus, peerPort: number) {
  const command = sipRequestCommandCodec.encode({
    v: 1,
    id: "00000000-0000-4000-8000-000000000000",
    at: new Date().toISOString(),
    method: "MESSAGE",
    requestUri: `sip:peer@127.0.0.1:${peerPort}`,
    from: { uri: "sip:gw@127.0.0.1" },
    to: { uri: `sip:peer@127.0.0.1:${peerPort}` },
    contentType: "text/plain",
    body: "hello from the bench",
  });
  return (count: number) => () =>
    new Promise<void>((done, fail) => {
      let sent = 0;
      let answered = 0;
      const one = () => {
        sent++;
        bus
          .request(SIP_OUT_REQUEST, command, { timeoutMs: 10_000 })
          .then((msg) => {
            // The first reply is validated in full; the rest only checked, to keep the requester's cost small.
            const isOk =
              answered === 0
                ? ((r) => r.ok && r.status === 200)(sipResponseReceivedCodec.decode(msg.data))
                : Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength).includes('"status":200');
            if (!isOk) throw new Error(`X2S: unexpected reply ${Buffer.from(msg.data).toString()}`);
            if (++answered === count) done();
            else if (sent < count) one();
          })
          .catch(fail);
      };
      for (let i = 0; i < WINDOW && i < count; i++) one();
    });
}

async function measure(label: string, drive: (count: number) => () => Promise<void>): Promise<(string | number)[]> {
  await drive(WARMUP)();
  const passes: Pass[] = [];
  for (let i = 0; i < REPEAT; i++) passes.push(await timed(drive(COUNT)));
  const bytes = process.env.SIP_EDGE_BENCH_HEAP === "0" ? Number.NaN : await allocated(label, drive(COUNT));
  const perMsg = passes.map((p) => p.cpuUs / COUNT).sort((a, b) => a - b);
  const rate = Math.max(...passes.map((p) => (COUNT / p.elapsedMs) * 1000));
  return [
    label,
    perMsg[Math.floor(perMsg.length / 2)] ?? 0,
    perMsg[0] ?? 0,
    Math.round(bytes / COUNT),
    Math.round(rate),
  ];
}

export async function run(): Promise<BenchTable[]> {
  const bus = createMemoryBus();
  const reply = sipResponseCommandCodec.encode({
    v: 1,
    id: "00000000-0000-4000-8000-000000000001",
    at: new Date().toISOString(),
    ok: true,
    status: 200,
  });
  const responder = bus.subscribe(sipInSubject("message"), (msg) => bus.respond(msg, reply), { queue: "bench" });
  const edge = await startEdge(bus);
  const peer = startPeer(["uas"]);
  const rows: (string | number)[][] = [];
  try {
    if (ONLY !== "x2s") {
      rows.push(await measure("S2X: UDP MESSAGE -> bus -> 200", sipToBus(edge.address("udp")?.port ?? 0)));
    }
    const { port } = await peer.first;
    if (ONLY !== "s2x") rows.push(await measure("X2S: bus command -> UDP MESSAGE -> 200", busToSip(bus, port ?? 0)));
  } finally {
    peer.child.kill();
    responder.unsubscribe();
    await edge.stop();
    await bus.drain();
  }
  return [
    {
      title: "sip-edge: CPU and heap per MESSAGE over UDP (loopback, memory bus, peer in a child process)",
      columns: ["direction", "CPU µs/msg (median)", "CPU µs/msg (best)", "heap B/msg", "msg/s (best)"],
      rows,
      notes: [
        `${REPEAT} passes of ${COUNT} messages after ${WARMUP} warm-up, ${WINDOW} in flight; CPU = user + system of this process.`,
        "Heap bytes: V8 sampling heap profiler over one more pass (every allocation, freed or not).",
        "Transactions stay for Timer J/K as in production, so live transactions grow over the run.",
      ],
    },
  ];
}

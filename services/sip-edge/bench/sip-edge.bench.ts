// Stateless-answer throughput of one sip-edge over UDP on loopback: OPTIONS (answered by the edge) and
// MESSAGE (answered 200 by an in-process consumer on the bus: in memory, and on real NATS when reachable).
// The load generator is a Node UDP client keeping a fixed window of requests in flight.
import { createSocket } from "node:dgram";
import { type Bus, connectNatsBus, createMemoryBus } from "@stox/bus";
import { newEventId, nowIso, sipInSubject, sipResponseCommandCodec } from "@stox/events";
import type { BenchTable } from "../../../bench/table.ts";
import { defaultConfig } from "../src/config.js";
import { SipEdge } from "../src/edge.js";

const DURATION_MS = 3000;
const WINDOW = 64;

function request(method: string, n: number, port: number): Buffer {
  const body = method === "MESSAGE" ? "hello" : "";
  return Buffer.from(
    `${method} sip:gw@127.0.0.1 SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKbench${n};rport\r\n` +
      "Max-Forwards: 70\r\nFrom: <sip:load@127.0.0.1>;tag=bench\r\nTo: <sip:gw@127.0.0.1>\r\n" +
      `Call-ID: bench-${n}\r\nCSeq: 1 ${method}\r\n` +
      (body ? "Content-Type: text/plain\r\n" : "") +
      `Content-Length: ${body.length}\r\n\r\n${body}`,
  );
}

async function load(method: string, edgePort: number): Promise<{ rate: number; answered: number; p50: number }> {
  const socket = createSocket("udp4");
  await new Promise<void>((done) => socket.bind(0, "127.0.0.1", () => done()));
  const port = socket.address().port;
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let next = 0;
  let answered = 0;
  let isRunning = true;
  const send = () => {
    const n = next++;
    sentAt.set(n, performance.now());
    socket.send(request(method, n, port), edgePort, "127.0.0.1");
  };
  socket.on("message", (data) => {
    const text = data.toString("latin1", 0, 200);
    if (text.startsWith("SIP/2.0 100")) return;
    const m = /z9hG4bKbench(\d+)/.exec(text);
    const n = m ? Number(m[1]) : -1;
    const t0 = sentAt.get(n);
    if (t0 === undefined) return;
    sentAt.delete(n);
    latencies.push(performance.now() - t0);
    answered++;
    if (isRunning) send();
  });
  const start = performance.now();
  for (let i = 0; i < WINDOW; i++) send();
  await new Promise((r) => setTimeout(r, DURATION_MS));
  isRunning = false;
  const elapsed = performance.now() - start;
  await new Promise<void>((done) => socket.close(() => done()));
  latencies.sort((a, b) => a - b);
  return { rate: (answered / elapsed) * 1000, answered, p50: latencies[Math.floor(latencies.length / 2)] ?? 0 };
}

async function measure(label: string, bus: Bus, method: "OPTIONS" | "MESSAGE"): Promise<(string | number)[]> {
  const edge = await SipEdge.start({
    bus,
    // Timer J would keep every answered transaction 32 s; the bench sends unique branches, so memory grows
    // with the rate but the numbers stay honest.
    config: defaultConfig({ transports: [{ protocol: "udp", address: "127.0.0.1", port: 0 }] }),
  });
  const sub =
    method === "MESSAGE"
      ? bus.subscribe(
          sipInSubject("message"),
          (msg) => {
            bus.respond(
              msg,
              sipResponseCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true, status: 200 }),
            );
          },
          { queue: "bench-mapper" },
        )
      : undefined;
  try {
    const r = await load(method, edge.address("udp")?.port ?? 0);
    return [`${method} (${label})`, r.rate, r.answered, r.p50];
  } finally {
    sub?.unsubscribe();
    await edge.stop();
  }
}

export async function run(): Promise<BenchTable[]> {
  const rows: (string | number)[][] = [];
  const memory = createMemoryBus();
  rows.push(await measure("edge answers", memory, "OPTIONS"));
  rows.push(await measure("memory bus consumer", memory, "MESSAGE"));
  await memory.drain();
  const notes = [
    `Node UDP client on loopback, ${WINDOW} requests in flight, ${DURATION_MS / 1000} s per row, unique transaction per request.`,
  ];
  try {
    const nats = await connectNatsBus({ url: process.env.NATS_URL ?? "nats://127.0.0.1:4222", name: "sip-edge-bench" });
    rows.push(await measure("NATS consumer", nats, "MESSAGE"));
    await nats.drain();
  } catch {
    notes.push("NATS row skipped: no server at NATS_URL / 127.0.0.1:4222.");
  }
  return [
    {
      title: "sip-edge: stateless answers over UDP (loopback)",
      columns: ["request (answered by)", "responses/s", "answered", "p50 ms"],
      rows,
      notes,
    },
  ];
}

// What one traced hop costs with id-only spans (STOX_TRACE_CONTEXT=on, no exporter: every stox process by
// default): publish + delivery through tracedBus on the in-memory bus and over NATS, the general path
// (startSpan + propagator, what tracedBus did for every tracer before) against the id-only fast path, and the
// NATS header block encode/decode with nats.js's MsgHdrsImpl against NatsHeaderBlock.
import { performance } from "node:perf_hooks";
import type { Tracer } from "@opentelemetry/api";
import { MsgHdrsImpl, headers as natsHeaders } from "nats";
import type { BenchTable } from "../../../bench/table.ts";
// The telemetry lib's setup, as every stox process runs it (the bus does not depend on telemetry; the bench may).
import type { IdOnlyTracer } from "../../telemetry/src/id-only-tracer.ts";
import { startTracing } from "../../telemetry/src/tracing.ts";
import { type Bus, connectNatsBus, createMemoryBus, type Headers, tracedBus } from "../src/index.ts";
import { NatsHeaderBlock } from "../src/nats-headers.ts";

const MESSAGES = 100_000;
const NATS_MESSAGES = 30_000;
const ROUNDS = 5;
const PAYLOAD = new Uint8Array(256).fill(120);
const HEADER_OPS = 200_000;

/** The id-only tracer without its marker: tracedBus takes the general path, exactly the code it ran before. */
function generalPath(t: IdOnlyTracer): Tracer {
  return { startSpan: t.startSpan.bind(t), startActiveSpan: t.startActiveSpan.bind(t) } as Tracer;
}

/** CPU µs of this process per message published and handled (both ends here), median of ROUNDS. */
async function cpuPerHop(pub: Bus, sub: Bus, subject: string, messages: number): Promise<number> {
  let received = 0;
  let target = 0;
  let done: () => void = () => {};
  const s = sub.subscribe(subject, () => {
    if (++received === target) done();
  });
  const batch = async (n: number) => {
    received = 0;
    target = n;
    const finished = new Promise<void>((r) => {
      done = r;
    });
    for (let i = 0; i < n; i++) {
      pub.publish(subject, PAYLOAD);
      if (i % 500 === 499) await new Promise((r) => setImmediate(r));
    }
    await finished;
  };
  await new Promise((r) => setTimeout(r, 50));
  await batch(Math.min(messages, 10_000)); // warm-up
  const runs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.cpuUsage();
    await batch(messages);
    const used = process.cpuUsage(before);
    runs.push((used.user + used.system) / messages);
  }
  s.unsubscribe();
  return runs.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] as number;
}

/** Nanoseconds per call of fn, median of ROUNDS. */
function nsPerOp(fn: () => unknown): number {
  for (let i = 0; i < 20_000; i++) fn();
  const runs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (let i = 0; i < HEADER_OPS; i++) fn();
    runs.push(((performance.now() - start) * 1e6) / HEADER_OPS);
  }
  return runs.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] as number;
}

function encodeBefore(headers: Headers): Uint8Array {
  const h = natsHeaders();
  for (const [name, value] of Object.entries(headers)) h.set(name.toLowerCase(), value);
  return (h as MsgHdrsImpl).encode();
}

/** What fromNatsMsg does with `msg.headers`: nats.js's lazy decode, then one value per lower-cased name. */
function decodeToRecord(block: Uint8Array): Headers {
  const out: Record<string, string> = {};
  for (const [name, values] of MsgHdrsImpl.decode(block)) out[name.toLowerCase()] = values[0] ?? "";
  return out;
}

export async function run(): Promise<BenchTable[]> {
  // exporter "none": the IdOnlyTracer, the AsyncLocalStorage context manager and the W3C propagator.
  const tracer = startTracing({ service: "bench", exporter: "none" }).tracer as unknown as IdOnlyTracer;
  const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

  const hop: (string | number)[][] = [];
  const memory: [string, (b: Bus) => Bus][] = [
    ["memory, no tracedBus", (b) => b],
    ["memory, tracedBus general path (before)", (b) => tracedBus(b, { tracer: generalPath(tracer) })],
    ["memory, tracedBus id-only fast path (after)", (b) => tracedBus(b, { tracer })],
  ];
  for (const [label, wrap] of memory) {
    const bus = wrap(createMemoryBus());
    hop.push([label, await cpuPerHop(bus, bus, "bench.hop.memory", MESSAGES)]);
    await bus.drain();
  }
  const nats: [string, (b: Bus) => Bus][] = [
    ["nats, no tracedBus", (b) => b],
    ["nats, tracedBus general path", (b) => tracedBus(b, { tracer: generalPath(tracer) })],
    ["nats, tracedBus id-only fast path", (b) => tracedBus(b, { tracer })],
  ];
  for (const [label, wrap] of nats) {
    const pub = wrap(await connectNatsBus({ url, name: "bench-hop-pub" }));
    const sub = wrap(await connectNatsBus({ url, name: "bench-hop-sub" }));
    hop.push([label, await cpuPerHop(pub, sub, `bench.hop.${Date.now()}`, NATS_MESSAGES)]);
    await Promise.all([pub.drain(), sub.drain()]);
  }

  const traced: Headers = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
  const withEventId: Headers = { ...traced, "stox-event-id": "01HZY3M7Q8K2V5X9C4T6B1N0RD" };
  const headerRows: (string | number)[][] = [];
  for (const [label, headers] of [
    ["traceparent", traced],
    ["traceparent + stox-event-id", withEventId],
  ] as const) {
    const block = new NatsHeaderBlock(headers).encode();
    headerRows.push([
      label,
      nsPerOp(() => encodeBefore(headers)),
      nsPerOp(() => new NatsHeaderBlock(headers).encode()),
      nsPerOp(() => decodeToRecord(block)),
    ]);
  }

  return [
    {
      title: "One traced hop with id-only spans: CPU per message published and handled",
      columns: ["bus and path", "CPU µs per message"],
      rows: hop,
      notes: [
        `Memory: ${MESSAGES.toLocaleString("en-US")} messages of ${PAYLOAD.byteLength} bytes per round; NATS (${url}, publisher and subscriber connections both in this process, both sides counted): ${NATS_MESSAGES.toLocaleString("en-US")}. Median of ${ROUNDS} rounds after warm-up; AsyncLocalStorage context manager and W3C propagator registered in every row.`,
        "General path = tracedBus with the same IdOnlyTracer minus its idOnlySpanContext marker: the code every tracer ran before the fast path. Both NATS traced rows already use NatsHeaderBlock.",
      ],
    },
    {
      title: "NATS header block: encode (publish) and decode (delivery), ns per message",
      columns: [
        "headers",
        "encode, nats.js headers()+set() (before)",
        "encode, NatsHeaderBlock (after)",
        "decode, msg.headers → record",
      ],
      rows: headerRows,
      notes: [
        `${HEADER_OPS.toLocaleString("en-US")} calls per round, median of ${ROUNDS}. Decode is nats.js MsgHdrsImpl.decode (what msg.headers runs, only for a message that has headers) plus the copy into a lower-cased record, unchanged.`,
      ],
    },
  ];
}

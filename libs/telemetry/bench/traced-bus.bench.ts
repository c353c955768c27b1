// What trace propagation costs per request/reply on the bus: the bare in-memory bus, tracedBus with the
// OpenTelemetry SDK recording every span (what exporter "none" did before id-only spans), and tracedBus with
// id-only spans (exporter "none" now). CPU microseconds of this process per round trip.
import { context, propagation, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace-base";
import { type Bus, createMemoryBus, tracedBus } from "@stox/bus";
import type { BenchTable } from "../../../bench/table.ts";
import { IdOnlyTracer } from "../src/id-only-tracer.ts";

const REQUESTS = 20_000;
const ROUNDS = 3;
const PAYLOAD = new Uint8Array(256).fill(120);

/** CPU µs per round trip (edge -> mapper -> reply), median of ROUNDS runs. */
async function cpuPerRoundTrip(bus: Bus): Promise<number> {
  bus.subscribe("bench.trace.rr", (m) => bus.respond(m, m.data), { queue: "bench" });
  for (let i = 0; i < 2000; i++) await bus.request("bench.trace.rr", PAYLOAD, { timeoutMs: 5000 }); // warm-up
  const runs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < REQUESTS; i++) await bus.request("bench.trace.rr", PAYLOAD, { timeoutMs: 5000 });
    const used = process.cpuUsage(before);
    runs.push((used.user + used.system) / REQUESTS);
  }
  await bus.drain();
  return runs.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] as number;
}

export async function run(): Promise<BenchTable[]> {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const sdk = new BasicTracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(1) }),
    spanProcessors: [],
  });
  const variants: [string, (bus: Bus) => Bus][] = [
    ["memory bus, no tracedBus", (bus) => bus],
    ["tracedBus, SDK spans (recorded, not exported)", (bus) => tracedBus(bus, { tracer: sdk.getTracer("bench") })],
    ["tracedBus, id-only spans", (bus) => tracedBus(bus, { tracer: new IdOnlyTracer(1) as Tracer })],
  ];
  const rows: (string | number)[][] = [];
  for (const [label, wrap] of variants) rows.push([label, await cpuPerRoundTrip(wrap(createMemoryBus()))]);
  return [
    {
      title: "Trace propagation on the bus: CPU per request/reply round trip (in-memory bus)",
      columns: ["bus", "CPU µs per round trip"],
      rows,
      notes: [
        `${REQUESTS.toLocaleString("en-US")} sequential requests of ${PAYLOAD.byteLength} bytes after 2,000 warm-up, median of ${ROUNDS} runs; AsyncLocalStorage context manager and W3C propagator registered in every variant.`,
        "A gateway message crosses two request/reply round trips (sip.in, xmpp.out), each with a producer and two consumer spans.",
      ],
    },
  ];
}

import { context, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { type Bus, connectNatsBus, createMemoryBus, tracedBus } from "@stox/bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentTraceId, startTracing } from "../src/index.js";

const exporter = new InMemorySpanExporter();
const { tracer } = startTracing({
  service: "trace-test",
  exporter: "none",
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

/** edge -> mapper -> edge: two hops, each on its own connection, as three processes would be. */
async function twoHops(edgeIn: Bus, mapper: Bus, edgeOut: Bus, prefix: string): Promise<string[]> {
  const seen: string[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  mapper.subscribe(`${prefix}.in`, (m) => {
    seen.push(currentTraceId() ?? "none");
    mapper.publish(`${prefix}.out`, m.data);
  });
  edgeOut.subscribe(`${prefix}.out`, () => {
    seen.push(currentTraceId() ?? "none");
    done();
  });
  await new Promise((r) => setTimeout(r, 100));
  const root = tracer.startSpan("receive SIP MESSAGE");
  context.with(trace.setSpan(context.active(), root), () => edgeIn.publish(`${prefix}.in`, new Uint8Array([1])));
  root.end();
  await finished;
  return [root.spanContext().traceId, ...seen];
}

describe("trace context across the bus", () => {
  const buses: Bus[] = [];
  beforeAll(async () => {
    for (const name of ["edge-in", "mapper", "edge-out"]) {
      buses.push(tracedBus(await connectNatsBus({ url, name }), { tracer }));
    }
  });
  afterAll(async () => {
    for (const b of buses) await b.drain();
  });

  it("keeps one trace id from edge to mapper to edge across real NATS hops", async () => {
    const prefix = `test.trace.${Date.now()}`;
    const [rootTraceId, atMapper, atEdge] = await twoHops(buses[0]!, buses[1]!, buses[2]!, prefix);
    expect(rootTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(atMapper).toBe(rootTraceId);
    expect(atEdge).toBe(rootTraceId);
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === rootTraceId);
    const names = spans.map((s) => s.name);
    expect(names).toContain(`process ${prefix}.in`);
    expect(names).toContain(`process ${prefix}.out`);
    // The consumer span at the last edge descends from the mapper's producer span, not from the root.
    const mapperSend = spans.find((s) => s.name === `send ${prefix}.out`);
    const edgeProcess = spans.find((s) => s.name === `process ${prefix}.out`);
    expect(edgeProcess?.parentSpanContext?.spanId).toBe(mapperSend?.spanContext().spanId);
  });

  it("does the same on the in-memory bus", async () => {
    const bus = tracedBus(createMemoryBus(), { tracer });
    const [rootTraceId, atMapper, atEdge] = await twoHops(bus, bus, bus, "test.trace.memory");
    expect(atMapper).toBe(rootTraceId);
    expect(atEdge).toBe(rootTraceId);
    await bus.drain();
  });
});

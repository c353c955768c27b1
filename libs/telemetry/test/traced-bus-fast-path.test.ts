import {
  type Context,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  type Bus,
  type BusMessage,
  connectNatsBus,
  createMemoryBus,
  formatTraceparent,
  parseTraceparent,
  tracedBus,
} from "@stox/bus";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
// Internal to @stox/bus (not exported from its index): the fast path's parser and formatter under test.
import { IdOnlyTracer } from "../src/id-only-tracer.js";
import { currentTraceId, startTracing } from "../src/index.js";

// exporter "none", no processors: the IdOnlyTracer, so tracedBus takes its fast path.
const { tracer } = startTracing({ service: "fast-path-test", exporter: "none" });
const w3c = new W3CTraceContextPropagator();
const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

/** The same tracer without its id-only marker: tracedBus takes the general (propagator) path. */
function slowTracer(t: Tracer): Tracer {
  return { startSpan: t.startSpan.bind(t), startActiveSpan: t.startActiveSpan.bind(t) } as Tracer;
}

function extracted(headers: Record<string, string>): SpanContext | undefined {
  return trace.getSpanContext(w3c.extract(ROOT_CONTEXT, headers, defaultTextMapGetter));
}

const HEX = "0123456789abcdef";
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...HEX), minLength: n, maxLength: n });
const id = (n: number) =>
  fc.oneof({ weight: 5, arbitrary: hex(n) }, { weight: 1, arbitrary: fc.constant("0".repeat(n)) });
const version = fc.oneof(fc.constant("00"), fc.constant("ff"), fc.constant("01"), fc.constant("cc"), hex(2));
const space = fc.constantFrom("", " ", "\t", "\n", "\r", "\u00a0", "\u2028", "\ufeff", "\u200b", "x");
const suffix = fc.oneof(
  fc.constant(""),
  fc.constant("-"),
  fc.constant("-what-ever"),
  fc.string({ unit: fc.constantFrom("-", "a", " ", "\n", "\r", "\u2029", "\u00a0"), maxLength: 5 }),
);

/** Well-formed and nearly well-formed traceparents: each part at and around its edge. */
const traceparent = fc
  .tuple(space, version, id(32), id(16), hex(2), suffix, space)
  .map(([lead, v, t, s, f, rest, trail]) => `${lead}${v}-${t}-${s}-${f}${rest}${trail}`);

/** One character replaced, inserted or removed: upper case, a stray dash, a non-hex letter, a space. */
const mutated = fc
  .tuple(traceparent, fc.nat(), fc.constantFrom("A", "F", "-", "g", " ", "0", "\n", ""), fc.boolean())
  .map(([s, at, c, insert]) => {
    const i = at % (s.length + 1);
    return s.slice(0, i) + c + s.slice(insert ? i : i + 1);
  });

describe("traceparent fast path agrees with @opentelemetry/core's W3CTraceContextPropagator", () => {
  it("accepts and rejects the same values and reads the same ids and flags", () => {
    fc.assert(
      fc.property(fc.oneof(traceparent, mutated, fc.string({ maxLength: 70 })), (value) => {
        const expected = extracted({ traceparent: value });
        const actual = parseTraceparent(value);
        if (expected === undefined) {
          expect(actual).toBeUndefined();
        } else {
          expect(actual).toEqual({
            traceId: expected.traceId,
            spanId: expected.spanId,
            traceFlags: expected.traceFlags,
            isRemote: true,
          });
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it("covers both answers: the generators produce accepted and rejected values", () => {
    const samples = fc.sample(fc.oneof(traceparent, mutated), 2000);
    const accepted = samples.filter((s) => parseTraceparent(s) !== undefined).length;
    expect(accepted).toBeGreaterThan(100);
    expect(samples.length - accepted).toBeGreaterThan(100);
  });

  it("writes the traceparent the propagator's inject writes, for every flags byte", () => {
    fc.assert(
      fc.property(hex(32), hex(16), fc.integer({ min: 0, max: 255 }), (traceId, spanId, traceFlags) => {
        const carrier: Record<string, string> = {};
        const ctx = trace.setSpanContext(ROOT_CONTEXT, {
          traceId: `1${traceId.slice(1)}`,
          spanId: `1${spanId.slice(1)}`,
          traceFlags,
        });
        w3c.inject(ctx, carrier, defaultTextMapSetter);
        const spanContext = trace.getSpanContext(ctx) as SpanContext;
        expect(formatTraceparent(spanContext)).toBe(carrier.traceparent);
      }),
      { numRuns: 2000 },
    );
  });

  it("hands a handler the same trace id, flags and trace state as the propagator path, for any headers", async () => {
    // Sent on the raw buses (a traced publish would replace the traceparent), received through tracedBus.
    const fastRaw = createMemoryBus();
    const slowRaw = createMemoryBus();
    const fast = tracedBus(fastRaw, { tracer });
    const slow = tracedBus(slowRaw, { tracer: slowTracer(tracer) });
    const seen = (bus: Bus) => {
      let last: SpanContext | undefined;
      bus.subscribe("fp.any", () => {
        last = trace.getSpanContext(context.active());
      });
      return () => last;
    };
    const fastSeen = seen(fast);
    const slowSeen = seen(slow);
    const tracestate = fc.constantFrom("", "a=1", "a=1,b=2", " vendor@x=y ,bad key=z", "a=1,a=2", "=,", "k=");
    await fc.assert(
      fc.asyncProperty(fc.oneof(traceparent, mutated), tracestate, async (value, state) => {
        const headers: Record<string, string> =
          state === "" ? { traceparent: value } : { traceparent: value, tracestate: state };
        fastRaw.publish("fp.any", new Uint8Array(0), { headers });
        slowRaw.publish("fp.any", new Uint8Array(0), { headers });
        await new Promise((r) => setImmediate(r));
        const a = fastSeen();
        const b = slowSeen();
        // Both made a consumer span; a rejected header means a new root, so only an accepted one fixes the trace id.
        const parent = extracted(headers);
        if (parent) {
          expect(a?.traceId).toBe(parent.traceId);
          expect(b?.traceId).toBe(parent.traceId);
          expect(a?.traceFlags).toBe(b?.traceFlags);
          expect(a?.traceState?.serialize()).toBe(b?.traceState?.serialize());
        } else {
          expect(a?.traceId).not.toBe(value.trim().slice(3, 35));
        }
        expect(a?.isRemote).toBe(b?.isRemote);
        expect(a?.spanId).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
      }),
      { numRuns: 500 },
    );
    await Promise.all([fast.drain(), slow.drain()]);
  });

  it("writes the same headers on publish as the propagator path, trace state included", () => {
    const capture = () => {
      const sent: Record<string, string>[] = [];
      const inner = createMemoryBus();
      const bus: Bus = {
        ...inner,
        publish: (_subject, _data, options) => {
          sent.push({ ...options?.headers });
        },
      };
      return { bus, sent };
    };
    const fast = capture();
    const slow = capture();
    const parent = trace.setSpanContext(
      ROOT_CONTEXT,
      extracted({
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        tracestate: "b=2, a=1",
      }) as SpanContext,
    );
    const publishIn = (ctx: Context, bus: Bus) =>
      context.with(ctx, () => bus.publish("fp.out", new Uint8Array(0), { headers: { "stox-event-id": "e1" } }));
    publishIn(parent, tracedBus(fast.bus, { tracer }));
    publishIn(parent, tracedBus(slow.bus, { tracer: slowTracer(tracer) }));
    const [a] = fast.sent;
    const [b] = slow.sent;
    expect(Object.keys(a ?? {})).toEqual(Object.keys(b ?? {}));
    expect(a?.tracestate).toBe("b=2,a=1");
    expect(a?.tracestate).toBe(b?.tracestate);
    expect(a?.["stox-event-id"]).toBe("e1");
    expect(a?.traceparent?.slice(0, 36)).toBe("00-0af7651916cd43dd8448eb211c80319c-");
    expect(a?.traceparent?.slice(0, 36)).toBe(b?.traceparent?.slice(0, 36));
    expect(a?.traceparent?.slice(-3)).toBe("-01");
  });

  it("is the path an IdOnlyTracer takes, and only with the W3C propagator registered", () => {
    const inner = new IdOnlyTracer(1);
    const calls = { startSpan: 0, idOnlySpanContext: 0 };
    const counting = {
      startSpan: (...args: Parameters<Tracer["startSpan"]>) => {
        calls.startSpan++;
        return inner.startSpan(...args);
      },
      startActiveSpan: inner.startActiveSpan.bind(inner),
      idOnlySpanContext: (parent: SpanContext | undefined) => {
        calls.idOnlySpanContext++;
        return inner.idOnlySpanContext(parent);
      },
    } as Tracer;
    tracedBus(createMemoryBus(), { tracer: counting }).publish("fp.which", new Uint8Array(0));
    expect(calls).toEqual({ startSpan: 0, idOnlySpanContext: 1 });
    propagation.disable();
    try {
      tracedBus(createMemoryBus(), { tracer: counting }).publish("fp.which", new Uint8Array(0));
    } finally {
      propagation.setGlobalPropagator(w3c);
    }
    expect(calls).toEqual({ startSpan: 1, idOnlySpanContext: 1 });
    // A root span context: fresh ids; a child: the parent's trace id, flags and state.
    const root = new IdOnlyTracer(0).idOnlySpanContext(undefined);
    expect(root.traceFlags).toBe(0);
    const child = new IdOnlyTracer(1).idOnlySpanContext({ ...root, traceFlags: 1 });
    expect(child.traceId).toBe(root.traceId);
    expect(child.spanId).not.toBe(root.spanId);
    expect(child.traceFlags).toBe(1);
  });
});

/** publish -> subscribe -> request -> respond -> reply, as edge, mapper and edge do; returns the trace ids seen. */
async function chain(edge: Bus, mapper: Bus, prefix: string): Promise<{ root: string; seen: string[] }> {
  const seen: string[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  mapper.subscribe(`${prefix}.in`, async (m: BusMessage) => {
    seen.push(currentTraceId() ?? "none");
    const reply = await mapper.request(`${prefix}.rr`, m.data, { timeoutMs: 2000 });
    seen.push(currentTraceId() ?? "none", parseTraceparent(reply.headers.traceparent ?? "")?.traceId ?? "none");
    done();
  });
  edge.subscribe(`${prefix}.rr`, (m: BusMessage) => {
    seen.push(currentTraceId() ?? "none");
    edge.respond(m, m.data);
  });
  await new Promise((r) => setTimeout(r, 100));
  const root = tracer.startSpan("receive SIP MESSAGE");
  context.with(trace.setSpan(context.active(), root), () => edge.publish(`${prefix}.in`, new Uint8Array([1])));
  await finished;
  return { root: root.spanContext().traceId, seen };
}

describe("one trace id along publish -> subscribe -> request -> respond -> reply (id-only fast path)", () => {
  const opened: Bus[] = [];
  afterAll(async () => {
    for (const b of opened) await b.drain();
  });

  it("on the in-memory bus", async () => {
    const bus = tracedBus(createMemoryBus(), { tracer });
    opened.push(bus);
    const { root, seen } = await chain(bus, bus, "fp.chain.memory");
    expect(root).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    expect(seen).toEqual([root, root, root, root]);
  });

  it("over real NATS, on two connections", async () => {
    const edge = tracedBus(await connectNatsBus({ url, name: "fp-edge" }), { tracer });
    const mapper = tracedBus(await connectNatsBus({ url, name: "fp-mapper" }), { tracer });
    opened.push(edge, mapper);
    const { root, seen } = await chain(edge, mapper, `fp.chain.${Date.now()}`);
    expect(seen).toEqual([root, root, root, root]);
  });
});

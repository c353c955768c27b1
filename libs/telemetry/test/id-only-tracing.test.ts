import { context, trace } from "@opentelemetry/api";
import { type BusMessage, createMemoryBus, tracedBus } from "@stox/bus";
import { describe, expect, it } from "vitest";
import { currentTraceId, startTracing } from "../src/index.js";

// exporter "none" with no span processors: spans carry ids only (the default of every stox process).
const { tracer } = startTracing({ service: "id-only-test", exporter: "none" });
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

describe("tracing with exporter none (ids only)", () => {
  it("gives a root span a fresh non-zero trace id and a child its parent's trace id", () => {
    const root = tracer.startSpan("root");
    const child = tracer.startSpan("child", {}, trace.setSpan(context.active(), root));
    const other = tracer.startSpan("other root");
    expect(root.isRecording()).toBe(false);
    expect(root.spanContext().traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    expect(root.spanContext().spanId).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
    expect(child.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(child.spanContext().spanId).not.toBe(root.spanContext().spanId);
    expect(other.spanContext().traceId).not.toBe(root.spanContext().traceId);
  });

  it("startActiveSpan runs the function inside the new span", () => {
    const seen = tracer.startActiveSpan("op", (span) => [span.spanContext().traceId, currentTraceId()]);
    expect(seen[1]).toBe(seen[0]);
    expect(seen[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  it("puts a traceparent on every hop and keeps one trace id from edge to mapper to edge", async () => {
    const bus = tracedBus(createMemoryBus(), { tracer });
    const seen: { subject: string; traceparent: string | undefined; active: string | undefined }[] = [];
    const tap = (msg: BusMessage) => {
      seen.push({ subject: msg.subject, traceparent: msg.headers.traceparent, active: currentTraceId() });
    };
    bus.subscribe("t.in", async (msg) => {
      tap(msg);
      const reply = await bus.request("t.out", msg.data, { timeoutMs: 1000 });
      bus.respond(msg, reply.data);
    });
    bus.subscribe("t.out", (msg) => {
      tap(msg);
      bus.respond(msg, msg.data);
    });
    // A publish with no trace active (as an edge receiving a SIP request) starts a trace.
    const reply = await bus.request("t.in", new Uint8Array([1]), { timeoutMs: 1000 });
    expect(reply.headers.traceparent).toMatch(TRACEPARENT);
    const [atMapper, atEdge] = seen;
    const traceId = TRACEPARENT.exec(atMapper?.traceparent ?? "")?.[1];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(atMapper?.active).toBe(traceId);
    expect(TRACEPARENT.exec(atEdge?.traceparent ?? "")?.[1]).toBe(traceId);
    expect(atEdge?.active).toBe(traceId);
    // Each hop is its own span of the trace.
    expect(TRACEPARENT.exec(atEdge?.traceparent ?? "")?.[2]).not.toBe(
      TRACEPARENT.exec(atMapper?.traceparent ?? "")?.[2],
    );
    expect(TRACEPARENT.exec(reply.headers.traceparent ?? "")?.[1]).toBe(traceId);
    await bus.drain();
  });
});

import { Writable } from "node:stream";
import { context, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { createLogger, startTracing } from "../src/index.js";

describe("logger", () => {
  it("writes JSON lines with the service and the active trace id", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logger = createLogger({ service: "sip-edge", destination: destination as never });
    const { tracer } = startTracing({ service: "logger-test", exporter: "none" });
    const span = tracer.startSpan("op");
    context.with(trace.setSpan(context.active(), span), () => logger.info({ callId: "c1" }, "request received"));
    span.end();
    const line = JSON.parse(lines[0] ?? "{}");
    expect(line).toMatchObject({ level: "info", service: "sip-edge", callId: "c1", msg: "request received" });
    expect(line.trace_id).toBe(span.spanContext().traceId);
  });
});

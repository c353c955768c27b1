import { describe, expect, it } from "vitest";
import { createMetrics } from "../src/index.js";

describe("metrics", () => {
  it("prefixes names with the service and renders Prometheus text", async () => {
    const m = createMetrics({ service: "chat-mapper" });
    m.counter("messages_mapped_total", "Messages mapped", ["direction"]).inc({ direction: "s2x" });
    const text = await m.render();
    expect(text).toContain('stox_chat_mapper_messages_mapped_total{direction="s2x"} 1');
  });

  it("returns the same metric when asked twice, as two services in one process do", () => {
    const m = createMetrics({ service: "x" });
    expect(m.counter("a_total", "a")).toBe(m.counter("a_total", "a"));
  });
});

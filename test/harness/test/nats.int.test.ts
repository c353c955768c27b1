import { afterAll, describe, expect, it } from "vitest";
import { canConnect, cleanup, isProcessAlive, startNats } from "../src/index.js";

describe("startNats", () => {
  afterAll(() => cleanup());

  it("reuses the server at NATS_URL when it answers", async () => {
    const url = process.env.NATS_URL as string; // set by the global setup
    const nats = await startNats();
    expect(nats.isReused).toBe(true);
    expect(nats.url).toBe(url);
    await nats.stop();
    expect(await canConnect(nats.port)).toBe(true);
  });

  it("starts a private nats-server with JetStream on a free port and stops it", async () => {
    const nats = await startNats({ isPrivate: true });
    expect(nats.isReused).toBe(false);
    expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
    expect(await canConnect(nats.port)).toBe(true);
    await nats.stop();
    expect(isProcessAlive(nats.pid as number)).toBe(false);
    expect(await canConnect(nats.port)).toBe(false);
  });
});

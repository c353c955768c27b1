import { describe, expect, it } from "vitest";
import { BusConnectionError, connectNatsBus } from "../src/index.js";
import { runBusContract } from "./bus-contract.js";

const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

runBusContract("nats", async (errors) => connectNatsBus({ url, name: "bus-contract", onError: (e) => errors.push(e) }));

describe("nats bus connection", () => {
  it("fails with BusConnectionError when no server answers", async () => {
    await expect(
      connectNatsBus({ url: "nats://127.0.0.1:1", name: "nobody", connectTimeoutMs: 500, maxReconnectAttempts: 0 }),
    ).rejects.toBeInstanceOf(BusConnectionError);
  });

  it("drain waits for a running handler and lets it reply", async () => {
    const server = await connectNatsBus({ url, name: "drain-server" });
    const client = await connectNatsBus({ url, name: "drain-client" });
    const subject = `test.drain.${Date.now()}`;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    server.subscribe(subject, async (m) => {
      await gate;
      server.respond(m, new TextEncoder().encode("done"));
    });
    await new Promise((r) => setTimeout(r, 50));
    const reply = client.request(subject, new Uint8Array(0), { timeoutMs: 5_000 });
    await new Promise((r) => setTimeout(r, 50));
    const drained = server.drain();
    release();
    expect(new TextDecoder().decode((await reply).data)).toBe("done");
    await drained;
    expect(server.isConnected()).toBe(false);
    await client.drain();
  });
});

import { createMemoryBus } from "@stox/bus";
import { newEventId, nowIso, type XmppSendResult, xmppSendResultCodec, xmppStanzaCommandCodec } from "@stox/events";
import { createLogger, createMetrics } from "@stox/telemetry";
import { describe, expect, it } from "vitest";
import { GatewayFailure, serveRequests } from "../src/index.js";

function setup(handle: (body: string) => Promise<void>) {
  const bus = createMemoryBus();
  const metrics = createMetrics({ service: "test" });
  serveRequests({
    bus,
    subject: "stox.v1.xmpp.out.message",
    queue: "xmpp-edge",
    codec: xmppStanzaCommandCodec,
    logger: createLogger({ service: "test", level: "silent" }),
    metrics,
    async handle(cmd) {
      await handle(String(cmd.stanza.children[0] ?? ""));
      return xmppSendResultCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true });
    },
  });
  const send = async (payload: unknown): Promise<XmppSendResult> => {
    const data = new TextEncoder().encode(JSON.stringify(payload));
    const reply = await bus.request("stox.v1.xmpp.out.message", data, { timeoutMs: 1000 });
    return xmppSendResultCodec.decode(reply.data);
  };
  return { send, metrics };
}

const command = (text: string) => ({
  v: 1,
  id: newEventId(),
  at: nowIso(),
  stanza: { name: "message", attrs: { to: "a@b" }, children: [text] },
});

describe("serveRequests", () => {
  it("answers a valid request with the handler's reply", async () => {
    const { send } = setup(async () => {});
    expect(await send(command("hi"))).toMatchObject({ ok: true });
  });

  it("answers an invalid event with bad-request, counts it, and keeps serving", async () => {
    const { send, metrics } = setup(async () => {});
    const reply = await send({ v: 1, stanza: "not an element" });
    expect(reply).toMatchObject({ ok: false, error: { code: "bad-request", isRetryable: false } });
    expect(await metrics.render()).toContain(
      'stox_test_requests_total{subject="stox.v1.xmpp.out.message",outcome="invalid"} 1',
    );
    expect(await send(command("still here"))).toMatchObject({ ok: true });
  });

  it("turns a GatewayFailure into its reply and any other error into internal", async () => {
    const { send } = setup(async (body) => {
      if (body === "down") throw new GatewayFailure("unavailable", "no stream", true);
      if (body === "bug") throw new TypeError("oops");
    });
    expect(await send(command("down"))).toMatchObject({ ok: false, error: { code: "unavailable", isRetryable: true } });
    expect(await send(command("bug"))).toMatchObject({ ok: false, error: { code: "internal" } });
  });
});

import { parseSipMessage, type SipRequest, type SipResponse } from "@stox/sip-parser";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_TIMERS, systemClock } from "../src/clock.js";
import { SipTransportError } from "../src/errors.js";
import { TransactionLayer } from "../src/transaction/transaction-layer.js";
import type { Destination, Source, TransportProtocol } from "../src/transport/types.js";
import { request, response } from "./fixtures/messages.js";

const from: Source = {
  protocol: "udp",
  remote: { address: "192.0.2.4", port: 5060 },
  local: { address: "127.0.0.1", port: 5060 },
};

function setup(protocol: TransportProtocol = "udp", failSend = false) {
  const sent: { msg: SipRequest; at: number }[] = [];
  const start = Date.now();
  const layer = new TransactionLayer({
    clock: systemClock,
    timers: DEFAULT_TIMERS,
    send: async (data) => {
      if (failSend) throw new SipTransportError("unreachable");
      sent.push({ msg: parseSipMessage(data) as SipRequest, at: Date.now() - start });
    },
  });
  const events: string[] = [];
  const responses: SipResponse[] = [];
  const to: Destination = { protocol, address: "192.0.2.4", port: 5060 };
  const send = (method: string) =>
    layer.sendRequest(request(method, { branch: "z9hG4bKclient1", cseq: 1 }), to, {
      onResponse: (r) => {
        responses.push(r);
        events.push(String(r.status));
      },
      onTimeout: () => events.push("timeout"),
      onTransportError: () => events.push("transport-error"),
    });
  return { layer, sent, events, responses, send, receive: (r: SipResponse) => layer.receiveResponse(r, from) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("non-INVITE client transaction (RFC 3261 §17.1.2)", () => {
  it("retransmits with Timer E (T1 doubling, capped at T2) and times out with Timer F at 64*T1 (CORE-ERR-17)", async () => {
    const t = setup();
    t.send("MESSAGE");
    await vi.advanceTimersByTimeAsync(64 * DEFAULT_TIMERS.t1);
    expect(t.sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    expect(t.events).toEqual(["timeout"]);
    expect(t.layer.clientCount).toBe(0);
  });

  it("lets go of the TU's callbacks once Completed, so they do not live through Timer K", () => {
    const t = setup();
    const tx = t.send("MESSAGE");
    const tu = tx.handlers;
    t.receive(response(200, "MESSAGE", { toTag: "x" }));
    expect(tx.state).toBe("completed");
    expect(tx.handlers).not.toBe(tu);
    t.receive(response(200, "MESSAGE", { toTag: "x" }));
    expect(t.events).toEqual(["200"]);
  });

  it("retransmits every T2 once a provisional response arrived", async () => {
    const t = setup();
    t.send("MESSAGE");
    t.receive(response(100, "MESSAGE"));
    await vi.advanceTimersByTimeAsync(500 + 4000 + 4000);
    expect(t.sent.map((s) => s.at)).toEqual([0, 500, 4500, 8500]);
  });

  it("reports the final response once and absorbs its retransmissions for Timer K = T4", async () => {
    const t = setup();
    t.send("MESSAGE");
    t.receive(response(200, "MESSAGE", { toTag: "x" }));
    t.receive(response(200, "MESSAGE", { toTag: "x" }));
    expect(t.events).toEqual(["200"]);
    await vi.advanceTimersByTimeAsync(DEFAULT_TIMERS.t4);
    expect(t.layer.clientCount).toBe(0);
    expect(t.sent).toHaveLength(1);
  });

  it("does not retransmit over TCP, and still times out with Timer F", async () => {
    const t = setup("tcp");
    t.send("MESSAGE");
    await vi.advanceTimersByTimeAsync(64 * DEFAULT_TIMERS.t1);
    expect(t.sent).toHaveLength(1);
    expect(t.events).toEqual(["timeout"]);
  });

  it("reports a transport error when the request cannot be sent", async () => {
    const t = setup("udp", true);
    t.send("MESSAGE");
    await vi.advanceTimersByTimeAsync(0);
    expect(t.events).toEqual(["transport-error"]);
    expect(t.layer.clientCount).toBe(0);
  });
});

describe("INVITE client transaction (RFC 3261 §17.1.1, RFC 6026)", () => {
  it("retransmits with Timer A (doubling) and times out with Timer B at 64*T1", async () => {
    const t = setup();
    t.send("INVITE");
    await vi.advanceTimersByTimeAsync(64 * DEFAULT_TIMERS.t1);
    expect(t.sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 15_500, 31_500]);
    expect(t.events).toEqual(["timeout"]);
  });

  it("stops retransmitting on a provisional response", async () => {
    const t = setup();
    t.send("INVITE");
    t.receive(response(180, "INVITE", { toTag: "b" }));
    await vi.advanceTimersByTimeAsync(40_000);
    expect(t.sent).toHaveLength(1);
    expect(t.events).toEqual(["180"]);
  });

  it("ACKs a non-2xx final in the transaction (same branch, To-tag of the response) and re-ACKs its retransmission", async () => {
    const t = setup();
    t.send("INVITE");
    t.receive(response(486, "INVITE", { toTag: "busy" }));
    await vi.advanceTimersByTimeAsync(0);
    const ack = t.sent[1]?.msg as SipRequest;
    expect(ack.method).toBe("ACK");
    expect(ack.via[0]?.branch).toBe("z9hG4bKclient1");
    expect(ack.header("to")).toContain("tag=busy");
    expect(ack.cseq).toEqual({ seq: 1, method: "ACK" });
    t.receive(response(486, "INVITE", { toTag: "busy" }));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.sent.map((s) => s.msg.method)).toEqual(["INVITE", "ACK", "ACK"]);
    expect(t.events).toEqual(["486"]);
  });

  it("keeps a completed INVITE for Timer D (32 s) on UDP", async () => {
    const t = setup();
    t.send("INVITE");
    t.receive(response(486, "INVITE", { toTag: "busy" }));
    await vi.advanceTimersByTimeAsync(31_999);
    expect(t.layer.clientCount).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.layer.clientCount).toBe(0);
  });

  it("passes 2xx retransmissions to the TU during Timer M (the TU re-sends its ACK)", async () => {
    const t = setup();
    t.send("INVITE");
    t.receive(response(200, "INVITE", { toTag: "b" }));
    t.receive(response(200, "INVITE", { toTag: "b" }));
    expect(t.events).toEqual(["200", "200"]);
    expect(t.sent.map((s) => s.msg.method)).toEqual(["INVITE"]); // the 2xx ACK is the TU's job
    await vi.advanceTimersByTimeAsync(64 * DEFAULT_TIMERS.t1);
    expect(t.layer.clientCount).toBe(0);
  });
});

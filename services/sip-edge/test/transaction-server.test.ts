import {
  createResponse,
  parseSipMessage,
  type SipRequest,
  type SipResponse,
  serializeSipMessage,
} from "@stox/sip-parser";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_TIMERS, systemClock } from "../src/clock.js";
import type { ServerTransaction } from "../src/transaction/server-transaction.js";
import { TransactionLayer, type TransactionUser } from "../src/transaction/transaction-layer.js";
import type { Destination, Source, TransportProtocol } from "../src/transport/types.js";
import { recordSource } from "../src/via-received.js";
import { request } from "./fixtures/messages.js";

function source(protocol: TransportProtocol = "udp"): Source {
  return {
    protocol,
    remote: { address: "192.0.2.1", port: 5060 },
    local: { address: "127.0.0.1", port: 5060 },
  };
}
const dest: Destination = { protocol: "udp", address: "192.0.2.1", port: 5060 };

function setup(protocol: TransportProtocol = "udp") {
  const sent: SipResponse[] = [];
  const requests: ServerTransaction[] = [];
  const cancels: [ServerTransaction, ServerTransaction | undefined][] = [];
  const acks: SipRequest[] = [];
  const layer = new TransactionLayer({
    clock: systemClock,
    timers: DEFAULT_TIMERS,
    send: async (data) => {
      sent.push(parseSipMessage(data) as SipResponse);
    },
  });
  const tu: TransactionUser = {
    onRequest: (tx) => requests.push(tx),
    onCancel: (tx, invite) => cancels.push([tx, invite]),
    onAck: (ack) => acks.push(ack),
    onStrayResponse: () => {},
    onError: () => {},
  };
  layer.setUser(tu);
  const src = source(protocol);
  const to = { ...dest, protocol };
  return {
    layer,
    sent,
    requests,
    cancels,
    acks,
    receive: (r: SipRequest) => layer.receiveRequest(r, src, to),
    statuses: () => sent.map((s) => s.status),
  };
}

/** A transaction user that only keeps the server transactions it is handed. */
function collectingRequests(txs: ServerTransaction[]): TransactionUser {
  return {
    onRequest: (tx) => txs.push(tx),
    onCancel: () => {},
    onAck: () => {},
    onStrayResponse: () => {},
    onError: () => {},
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("non-INVITE server transaction (RFC 3261 §17.2.2, RFC 4320)", () => {
  it("absorbs retransmissions while Trying: the TU sees the request once and nothing is sent", () => {
    const t = setup();
    t.receive(request("MESSAGE"));
    t.receive(request("MESSAGE"));
    t.receive(request("MESSAGE"));
    expect(t.requests).toHaveLength(1);
    expect(t.sent).toHaveLength(0);
  });

  it("answers a retransmission after the final response with that same response", async () => {
    const t = setup();
    t.receive(request("MESSAGE"));
    await t.requests[0]?.respond(createResponse(t.requests[0].request, 202, { toTag: "x" }));
    t.receive(request("MESSAGE"));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.statuses()).toEqual([202, 202]);
    expect(t.sent[1]?.to).toEqual(t.sent[0]?.to);
  });

  it("sends 100 Trying only once Timer E would have reached T2 (RFC 4320 §4.1)", async () => {
    const t = setup();
    t.receive(request("MESSAGE"));
    await vi.advanceTimersByTimeAsync(DEFAULT_TIMERS.t2 - 1);
    expect(t.sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.statuses()).toEqual([100]);
  });

  it("keeps the transaction for Timer J = 64*T1 on UDP, then forgets it", async () => {
    const t = setup();
    t.receive(request("MESSAGE"));
    await t.requests[0]?.respond(createResponse(t.requests[0].request, 200));
    await vi.advanceTimersByTimeAsync(64 * DEFAULT_TIMERS.t1 - 1);
    expect(t.layer.serverCount).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.layer.serverCount).toBe(0);
  });

  it("keeps only the request bytes for Timer J on UDP; the request reads back equal, retransmissions get the same answer", async () => {
    const sent: Buffer[] = [];
    const layer = new TransactionLayer({
      clock: systemClock,
      timers: DEFAULT_TIMERS,
      send: async (data) => {
        sent.push(data);
      },
      reparse: (raw, src) => {
        const r = parseSipMessage(raw) as SipRequest;
        recordSource(r, src);
        return r;
      },
    });
    const txs: ServerTransaction[] = [];
    layer.setUser(collectingRequests(txs));
    const src = source();
    const raw = serializeSipMessage(request("MESSAGE", { body: "h\u00e9llo" }));
    const received = () => {
      const r = parseSipMessage(raw) as SipRequest;
      recordSource(r, src);
      return r;
    };
    const first = received();
    layer.receiveRequest(first, src, dest, raw);
    const tx = txs[0] as ServerTransaction;
    expect(tx.request).toBe(first);
    await tx.respond(createResponse(tx.request, 200, { toTag: "x" }));
    const again = tx.request;
    expect(again).not.toBe(first);
    expect(serializeSipMessage(again).equals(serializeSipMessage(first))).toBe(true);
    expect(again.body).toEqual(first.body);
    expect(again.via[0]?.params).toContainEqual({ name: "received", value: "192.0.2.1" });
    layer.receiveRequest(received(), src, dest, raw);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.equals(sent[0] as Buffer)).toBe(true);
  });

  it("forgets a completed MESSAGE at Timer J without parsing it again, while a 2xx-answered INVITE is tracked", async () => {
    const reparse = vi.fn((raw: Buffer) => parseSipMessage(raw) as SipRequest);
    const layer = new TransactionLayer({ clock: systemClock, timers: DEFAULT_TIMERS, send: async () => {}, reparse });
    const txs: ServerTransaction[] = [];
    layer.setUser(collectingRequests(txs));
    const src = source();
    const raw = serializeSipMessage(request("MESSAGE", { branch: "z9hG4bKmsg", cseq: 1 }));
    layer.receiveRequest(parseSipMessage(raw) as SipRequest, src, dest, raw);
    const message = txs[0] as ServerTransaction;
    await message.respond(createResponse(message.request, 200, { toTag: "m" }));
    await vi.advanceTimersByTimeAsync(10);
    layer.receiveRequest(request("INVITE", { branch: "z9hG4bKinv" }), src, dest);
    const invite = txs[1] as ServerTransaction;
    await invite.respond(createResponse(invite.request, 200, { toTag: "i" }));
    layer.trackAccepted(invite);
    // Timer J of the MESSAGE fires while the INVITE is still tracked (its Timer L ends 10 ms later).
    await vi.advanceTimersByTimeAsync(64 * DEFAULT_TIMERS.t1 - 10);
    expect(layer.serverCount).toBe(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(layer.serverCount).toBe(0);
    expect(reparse).not.toHaveBeenCalled();
  });

  it("uses Timer J = 0 on a reliable transport", async () => {
    const t = setup("tcp");
    t.receive(request("MESSAGE"));
    await t.requests[0]?.respond(createResponse(t.requests[0].request, 200));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.layer.serverCount).toBe(0);
  });

  it("answers a merged request (same From-tag, Call-ID, CSeq, another branch) with 482 (RFC 3261 §8.2.2.2)", async () => {
    const t = setup();
    t.receive(request("MESSAGE", { branch: "z9hG4bKpath1" }));
    t.receive(request("MESSAGE", { branch: "z9hG4bKpath2" }));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.requests).toHaveLength(1);
    expect(t.statuses()).toEqual([482]);
  });

  it("ignores a second final response from the TU", async () => {
    const t = setup();
    t.receive(request("MESSAGE"));
    const tx = t.requests[0] as ServerTransaction;
    await tx.respond(createResponse(tx.request, 200));
    await tx.respond(createResponse(tx.request, 500));
    expect(t.statuses()).toEqual([200]);
  });
});

describe("INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)", () => {
  it("sends 100 Trying at once", () => {
    const t = setup();
    t.receive(request("INVITE"));
    expect(t.statuses()).toEqual([100]);
    expect(t.requests).toHaveLength(1);
  });

  it("answers an INVITE retransmission with the last provisional response", async () => {
    const t = setup();
    t.receive(request("INVITE"));
    t.receive(request("INVITE"));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.statuses()).toEqual([100, 100]);
    expect(t.requests).toHaveLength(1);
  });

  it("retransmits a non-2xx final with Timer G (T1, 2T1, 4T1, capped at T2) until the ACK", async () => {
    const t = setup();
    t.receive(request("INVITE"));
    const tx = t.requests[0] as ServerTransaction;
    await tx.respond(createResponse(tx.request, 486, { toTag: "b" }));
    await vi.advanceTimersByTimeAsync(500 + 1000 + 2000 + 4000 + 4000);
    expect(t.statuses()).toEqual([100, 486, 486, 486, 486, 486, 486]);
    t.receive(request("ACK", { toTag: "b" }));
    expect(tx.state).toBe("confirmed");
    await vi.advanceTimersByTimeAsync(8000);
    expect(t.sent).toHaveLength(7);
    expect(t.acks).toHaveLength(0); // the non-2xx ACK is absorbed by the transaction
  });

  it("ends after Timer H = 64*T1 when no ACK comes", async () => {
    const t = setup();
    t.receive(request("INVITE"));
    const tx = t.requests[0] as ServerTransaction;
    await tx.respond(createResponse(tx.request, 603));
    await vi.advanceTimersByTimeAsync(64 * DEFAULT_TIMERS.t1);
    expect(tx.state).toBe("terminated");
    expect(t.layer.serverCount).toBe(0);
  });

  it("confirmed state lasts Timer I = T4 on UDP", async () => {
    const t = setup();
    t.receive(request("INVITE"));
    const tx = t.requests[0] as ServerTransaction;
    await tx.respond(createResponse(tx.request, 486, { toTag: "b" }));
    t.receive(request("ACK", { toTag: "b" }));
    await vi.advanceTimersByTimeAsync(DEFAULT_TIMERS.t4 - 1);
    expect(tx.state).toBe("confirmed");
    await vi.advanceTimersByTimeAsync(1);
    expect(tx.state).toBe("terminated");
  });

  it("retransmits a 2xx until the ACK (new branch) arrives, which goes to the TU (RFC 6026 Accepted)", async () => {
    const t = setup();
    t.receive(request("INVITE"));
    const tx = t.requests[0] as ServerTransaction;
    await tx.respond(createResponse(tx.request, 200, { toTag: "b" }));
    t.layer.trackAccepted(tx);
    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(t.statuses()).toEqual([100, 200, 200, 200]);
    t.receive(request("ACK", { toTag: "b", branch: "z9hG4bKnewbranch" }));
    expect(t.acks).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.sent).toHaveLength(4);
  });

  it("sends nothing again over TCP (no Timer G)", async () => {
    const t = setup("tcp");
    t.receive(request("INVITE"));
    const tx = t.requests[0] as ServerTransaction;
    await tx.respond(createResponse(tx.request, 486));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.statuses()).toEqual([100, 486]);
  });

  it("hands a CANCEL to the TU with the INVITE transaction it matches (RFC 3261 §9.2)", () => {
    const t = setup();
    t.receive(request("INVITE"));
    t.receive(request("CANCEL"));
    expect(t.cancels).toHaveLength(1);
    expect(t.cancels[0]?.[1]).toBe(t.requests[0]);
  });

  it("hands a CANCEL that matches nothing to the TU without an INVITE", () => {
    const t = setup();
    t.receive(request("CANCEL", { branch: "z9hG4bKunknown" }));
    expect(t.cancels[0]?.[1]).toBeUndefined();
  });
});

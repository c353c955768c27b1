import { type Bus, createMemoryBus } from "@stox/bus";
import {
  newEventId,
  nowIso,
  type SipResponseCommand,
  sipInSubject,
  sipRequestReceivedCodec,
  sipResponseCommandCodec,
} from "@stox/events";
import type { SipResponse } from "@stox/sip-parser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultConfig, type SipEdgeConfig } from "../src/config.js";
import { dialogIdOf } from "../src/dialog/dialog-record.js";
import { SipEdge } from "../src/edge.js";
import { sipText, startUdpPeer, type UdpPeer } from "./udp-client.js";

/** A mapper reply without its envelope (distributes over the ok/error union). */
type ReplyBody = SipResponseCommand extends infer T ? (T extends unknown ? Omit<T, "v" | "id" | "at"> : never) : never;

const isResponse = (status: number) => (m: { isRequest: boolean }) =>
  !m.isRequest && (m as SipResponse).status === status;

describe("SipEdge on the in-memory bus over UDP", () => {
  let bus: Bus;
  let edge: SipEdge;
  let peer: UdpPeer;
  let port: number;

  async function start(overrides: Partial<SipEdgeConfig> = {}) {
    await edge?.stop();
    edge = await SipEdge.start({
      bus,
      config: defaultConfig({ transports: [{ protocol: "udp", address: "127.0.0.1", port: 0 }], ...overrides }),
    });
    port = edge.address("udp")?.port ?? 0;
  }

  function answerWith(method: "message" | "invite" | "subscribe" | "bye", reply: ReplyBody) {
    return bus.subscribe(sipInSubject(method), (msg) => {
      bus.respond(
        msg,
        sipResponseCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ...reply } as SipResponseCommand),
      );
    });
  }

  beforeEach(async () => {
    bus = createMemoryBus();
    peer = await startUdpPeer();
    await start({ mapperTimeoutMs: 300 });
  });

  afterEach(async () => {
    await edge.stop();
    await peer.close();
    await bus.drain();
  });

  it("answers 481 to an in-dialog request for a dialog nobody knows (RFC 3261 §12.2.2)", async () => {
    peer.send(sipText("BYE", peer.port, { toTag: "nobody" }), port);
    expect(((await peer.waitFor(isResponse(481))) as SipResponse).status).toBe(481);
  });

  it("answers 481 to a CANCEL that matches no transaction (RFC 3261 §9.2)", async () => {
    peer.send(sipText("CANCEL", peer.port), port);
    await peer.waitFor(isResponse(481));
  });

  it("answers 504 when the mapper is silent, and 503 + Retry-After when nobody listens", async () => {
    const sub = bus.subscribe(sipInSubject("message"), () => {});
    peer.send(sipText("MESSAGE", peer.port), port);
    await peer.waitFor(isResponse(504));
    sub.unsubscribe();
    peer.send(sipText("MESSAGE", peer.port), port);
    const r = (await peer.waitFor(isResponse(503))) as SipResponse;
    expect(r.header("retry-after")).toBe("5");
  });

  it("answers 503 + Retry-After when too many requests already wait for mappers (overload)", async () => {
    bus.subscribe(sipInSubject("message"), () => {});
    await start({ maxPendingRequests: 1, mapperTimeoutMs: 2000 });
    peer.send(sipText("MESSAGE", peer.port, { callId: "first" }), port);
    await new Promise((r) => setTimeout(r, 50)); // the first one is now waiting for its mapper
    peer.send(sipText("MESSAGE", peer.port, { callId: "second" }), port);
    const r = (await peer.waitFor(isResponse(503))) as SipResponse;
    expect(r.callId).toBe("second");
    expect(r.header("retry-after")).toBe("5");
  });

  it("maps a mapper's gateway error to its SIP status (not-found -> 404)", async () => {
    answerWith("message", { ok: false, error: { code: "not-found", message: "no such user", isRetryable: false } });
    peer.send(sipText("MESSAGE", peer.port), port);
    await peer.waitFor(isResponse(404));
  });

  it("turns a mapper's 408 to a non-INVITE into 504 (RFC 4320 §4.2)", async () => {
    answerWith("message", { ok: true, status: 408 });
    peer.send(sipText("MESSAGE", peer.port), port);
    await peer.waitFor(isResponse(504));
  });

  it("passes the mapper's reason, headers and body into the response, but not edge-owned headers", async () => {
    answerWith("message", {
      ok: true,
      status: 202,
      reason: "Queued",
      headers: [
        ["X-Trace", "t1"],
        ["Call-ID", "forged"],
      ],
      contentType: "text/plain",
      body: "ok",
    });
    const text = sipText("MESSAGE", peer.port, { callId: "real-call" });
    peer.send(text, port);
    const r = (await peer.waitFor(isResponse(202))) as SipResponse;
    expect(r.reason).toBe("Queued");
    expect(r.header("x-trace")).toBe("t1");
    expect(r.callId).toBe("real-call");
    expect(r.body.toString()).toBe("ok");
  });

  it("answers a malformed request 400 and an oversize one 513 (RFC 3261 §21.4.1, §21.5.14, CORE-SEC-11)", async () => {
    peer.send(sipText("MESSAGE", peer.port).replace("CSeq: 1 MESSAGE", "CSeq: x MESSAGE"), port);
    await peer.waitFor(isResponse(400));
    await start({ maxMessageBytes: 600 });
    peer.send(sipText("MESSAGE", peer.port, { body: "x".repeat(700) }), port);
    await peer.waitFor(isResponse(513));
  });

  it("answers a wrong SIP version with 505", async () => {
    peer.send(sipText("MESSAGE", peer.port).replace("sip:gw@127.0.0.1 SIP/2.0", "sip:gw@127.0.0.1 SIP/7.0"), port);
    await peer.waitFor(isResponse(505));
  });

  it("answers 487 to the INVITE and 200 to the CANCEL while the mapper thinks (RFC 3261 §9.2)", async () => {
    const seen: string[] = [];
    bus.subscribe(sipInSubject("invite"), () => {});
    bus.subscribe(sipInSubject("cancel"), (m) => {
      seen.push(sipRequestReceivedCodec.decode(m.data).method);
    });
    await start({ inviteMapperTimeoutMs: 5000 });
    const branch = "z9hG4bKcancelme";
    peer.send(sipText("INVITE", peer.port, { branch, callId: "c-cancel" }), port);
    await peer.waitFor(isResponse(100));
    peer.send(sipText("CANCEL", peer.port, { branch, callId: "c-cancel" }), port);
    const cancel200 = (await peer.waitFor(isResponse(200))) as SipResponse;
    expect(cancel200.cseq.method).toBe("CANCEL");
    const r487 = (await peer.waitFor(isResponse(487))) as SipResponse;
    expect(r487.cseq.method).toBe("INVITE");
    expect(seen).toEqual(["CANCEL"]);
  });

  it("drops a mapper's late 2xx after a CANCEL and makes no dialog (RFC 3261 §9.2)", async () => {
    bus.subscribe(sipInSubject("invite"), (msg) => {
      setTimeout(() => {
        bus.respond(
          msg,
          sipResponseCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true, status: 200 }),
        );
      }, 150);
    });
    await start({ inviteMapperTimeoutMs: 5000 });
    const branch = "z9hG4bKlatecancel";
    peer.send(sipText("INVITE", peer.port, { branch, callId: "c-late" }), port);
    await peer.waitFor(isResponse(100));
    peer.send(sipText("CANCEL", peer.port, { branch, callId: "c-late" }), port);
    const r487 = (await peer.waitFor(isResponse(487))) as SipResponse;
    const toTag = r487.to.params.find((p) => p.name === "tag")?.value ?? "";
    await new Promise((r) => setTimeout(r, 300));
    expect(
      peer.received.filter(
        (m) => !m.isRequest && (m as SipResponse).status === 200 && (m as SipResponse).cseq.method === "INVITE",
      ),
    ).toHaveLength(0);
    expect(await edge.dialogs.get(dialogIdOf("c-late", toTag, "alice1"))).toBeUndefined();
  });

  it("stores the dialog of an answered INVITE, rejects an out-of-order CSeq with 500, ends it on BYE", async () => {
    answerWith("invite", { ok: true, status: 200 });
    answerWith("bye", { ok: true, status: 200 });
    peer.send(sipText("INVITE", peer.port, { callId: "d1", cseq: 5 }), port);
    const ok = (await peer.waitFor(isResponse(200))) as SipResponse;
    const toTag = ok.to.params.find((p) => p.name === "tag")?.value ?? "";
    expect(ok.header("contact")).toMatch(/^<sip:stox@127\.0\.0\.1:\d+>$/);
    const id = dialogIdOf("d1", toTag, "alice1");
    const stored = await edge.dialogs.get(id);
    expect(stored?.record.remoteTarget).toBe(`sip:alice@127.0.0.1:${peer.port}`);
    expect(stored?.record.remoteCseq).toBe(5);
    peer.send(sipText("BYE", peer.port, { callId: "d1", cseq: 4, toTag }), port);
    await peer.waitFor(isResponse(500));
    peer.received.length = 0;
    peer.send(sipText("BYE", peer.port, { callId: "d1", cseq: 6, toTag }), port);
    await peer.waitFor(
      (m) => !m.isRequest && (m as SipResponse).cseq.method === "BYE" && (m as SipResponse).status === 200,
    );
    expect(await edge.dialogs.get(id)).toBeUndefined();
  });

  it("answers 420 for an unknown Require and 405 with Allow for REGISTER", async () => {
    peer.send(sipText("MESSAGE", peer.port, { extra: ["Require: timer"] }), port);
    const r420 = (await peer.waitFor(isResponse(420))) as SipResponse;
    expect(r420.header("unsupported")).toBe("timer");
    peer.send(sipText("REGISTER", peer.port), port);
    const r405 = (await peer.waitFor(isResponse(405))) as SipResponse;
    expect(r405.header("allow")).toContain("MESSAGE");
  });

  it("answers CRLF keep-alive datagrams with nothing and keeps working", async () => {
    peer.sendBytes(Buffer.from("\r\n\r\n"), port);
    peer.send(sipText("OPTIONS", peer.port), port);
    await peer.waitFor(isResponse(200));
  });
});

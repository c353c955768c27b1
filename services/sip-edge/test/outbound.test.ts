import { type Bus, createMemoryBus } from "@stox/bus";
import {
  newEventId,
  nowIso,
  SIP_OUT_CANCEL,
  SIP_OUT_PROVISIONAL,
  SIP_OUT_REQUEST,
  type SipProvisionalReceived,
  type SipRequestCommand,
  type SipResponseReceived,
  sipCancelCommandCodec,
  sipInSubject,
  sipProvisionalReceivedCodec,
  sipRequestCommandCodec,
  sipRequestReceivedCodec,
  sipResponseCommandCodec,
  sipResponseReceivedCodec,
  toKvKey,
} from "@stox/events";
import { createResponse, type SipRequest, type SipResponse, serializeSipMessage } from "@stox/sip-parser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config.js";
import type { DialogRecord } from "../src/dialog/dialog-record.js";
import { SipEdge } from "../src/edge.js";
import { sipText, startUdpPeer, type UdpPeer } from "./udp-client.js";

describe("outgoing requests from stox.v1.sip.out.request", () => {
  let bus: Bus;
  let edge: SipEdge;
  let peer: UdpPeer;

  beforeEach(async () => {
    bus = createMemoryBus();
    peer = await startUdpPeer();
    edge = await SipEdge.start({
      bus,
      // T1 = 10 ms so Timer F (64*T1) fires within the test.
      config: defaultConfig({
        transports: [
          { protocol: "udp", address: "127.0.0.1", port: 0 },
          { protocol: "tcp", address: "127.0.0.1", port: 0 },
        ],
        timers: { t1: 10, t2: 40, t4: 50 },
      }),
    });
  });

  afterEach(async () => {
    await edge.stop();
    await peer.close();
    await bus.drain();
  });

  async function command(cmd: Omit<SipRequestCommand, "v" | "id" | "at">): Promise<SipResponseReceived> {
    const full = { v: 1 as const, id: newEventId(), at: nowIso(), ...cmd };
    const reply = await bus.request(SIP_OUT_REQUEST, sipRequestCommandCodec.encode(full), { timeoutMs: 5000 });
    return sipResponseReceivedCodec.decode(reply.data);
  }

  /** The peer answers every request it gets with `status` (a UAS in three lines). */
  function autoAnswer(status: number): SipRequest[] {
    const got: SipRequest[] = [];
    const loop = async () => {
      for (;;) {
        const req = (await peer.waitFor((m) => m.isRequest && !got.includes(m as SipRequest))) as SipRequest;
        got.push(req);
        if (req.method === "ACK") continue;
        peer.sendBytes(
          serializeSipMessage(createResponse(req, status, { toTag: "peer1" })),
          edge.address("udp")?.port ?? 0,
        );
      }
    };
    void loop();
    return got;
  }

  it("starts a new request with a new Call-ID, From-tag, branch, CSeq 1 and Max-Forwards 70 (CORE-ARCH-06)", async () => {
    const got = autoAnswer(200);
    const uri = `sip:bob@127.0.0.1:${peer.port}`;
    const r1 = await command({
      method: "MESSAGE",
      requestUri: uri,
      from: { uri: "sip:alice@gw.example" },
      to: { uri },
      contentType: "text/plain",
      body: "hi",
    });
    const r2 = await command({
      method: "MESSAGE",
      requestUri: uri,
      from: { uri: "sip:alice@gw.example" },
      to: { uri },
      contentType: "text/plain",
      body: "hi",
    });
    expect(r1.ok && r1.status).toBe(200);
    expect(r2.ok && r2.status).toBe(200);
    // T1 is 10 ms here, so retransmissions may be among what the peer got: keep one per transaction.
    const unique = [...new Map(got.map((r) => [r.via[0]?.branch, r])).values()];
    const [a, b] = unique as [SipRequest, SipRequest];
    expect(a.callId).not.toBe(b.callId);
    expect(a.from.params.find((p) => p.name === "tag")?.value).toMatch(/^[0-9a-f]{16}$/);
    expect(a.via[0]?.branch).toMatch(/^z9hG4bK/);
    expect(a.via[0]?.branch).not.toBe(b.via[0]?.branch);
    expect(a.cseq).toEqual({ seq: 1, method: "MESSAGE" });
    expect(a.maxForwards).toBe(70);
    expect(a.header("content-type")).toBe("text/plain");
    expect(a.body.toString()).toBe("hi");
  });

  it("numbers out-of-dialog requests of one thread with the command's Call-ID and CSeq (RFC 7572 §5 threads)", async () => {
    const got = autoAnswer(200);
    const uri = `sip:bob@127.0.0.1:${peer.port}`;
    for (const cseq of [1, 2]) {
      const r = await command({
        method: "MESSAGE",
        requestUri: uri,
        from: { uri: "sip:alice@gw.example" },
        to: { uri },
        callId: "thread-1@gw.example",
        cseq,
        contentType: "text/plain",
        body: `message ${cseq}`,
      });
      expect(r.ok && r.status).toBe(200);
    }
    const unique = [...new Map(got.map((r) => [r.via[0]?.branch, r])).values()];
    expect(unique.map((r) => [r.callId, r.cseq.seq])).toEqual([
      ["thread-1@gw.example", 1],
      ["thread-1@gw.example", 2],
    ]);
  });

  it("reports a local 408 when Timer F fires with no answer (RFC 3261 §17.1.2.2, CORE-ERR-17)", async () => {
    const uri = `sip:bob@127.0.0.1:${peer.port}`; // the peer stays silent
    const r = await command({ method: "MESSAGE", requestUri: uri, from: { uri: "sip:alice@gw.example" }, to: { uri } });
    expect(r.ok && r.status).toBe(408);
    expect(r.ok && r.isLocal).toBe(true);
  });

  it("reports a local 503 when the transport fails (CORE-ERR-17)", async () => {
    const uri = "sip:bob@127.0.0.1:9;transport=tcp"; // nothing listens there: connect is refused
    const r = await command({ method: "MESSAGE", requestUri: uri, from: { uri: "sip:alice@gw.example" }, to: { uri } });
    expect(r.ok && r.status).toBe(503);
    expect(r.ok && r.isLocal).toBe(true);
  });

  it("answers unavailable when no transport of the edge can reach the target", async () => {
    const uri = "sip:bob@127.0.0.1:9;transport=ws";
    const r = await command({ method: "MESSAGE", requestUri: uri, from: { uri: "sip:alice@gw.example" }, to: { uri } });
    expect(!r.ok && r.error.code).toBe("unavailable");
  });

  it("answers not-found for a dialog the store does not hold", async () => {
    const r = await command({
      method: "BYE",
      requestUri: "sip:x@y",
      from: { uri: "sip:a@b" },
      to: { uri: "sip:x@y" },
      dialogId: "bm9uZQ.eA.eQ",
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe("not-found");
  });

  it("builds an in-dialog request from the KV dialog: remote target, route set, tags, next CSeq (RFC 3261 §12.2.1.1)", async () => {
    const got = autoAnswer(200);
    const dialog: DialogRecord = {
      v: 1,
      id: "ZDE.bG9j.cmVt",
      usage: "subscribe",
      callId: "d1",
      localTag: "loc",
      remoteTag: "rem",
      localAddr: "<sip:gw@gw.example>",
      remoteAddr: "<sip:alice@atlanta.example.com>",
      localCseq: 41,
      remoteCseq: 7,
      remoteTarget: "sip:alice@192.0.2.99:5060",
      routeSet: [`<sip:127.0.0.1:${peer.port};lr>`],
      isSecure: false,
      protocol: "udp",
      createdAt: nowIso(),
    };
    await edge.dialogs.create(dialog);
    const r = await command({
      method: "NOTIFY",
      requestUri: "sip:ignored@invalid",
      from: { uri: "sip:ignored@invalid" },
      to: { uri: "sip:ignored@invalid" },
      dialogId: dialog.id,
      headers: [
        ["Event", "presence"],
        ["Subscription-State", "active"],
      ],
    });
    expect(r.ok && r.status).toBe(200);
    const notify = got[0] as SipRequest;
    expect(notify.uri).toBe("sip:alice@192.0.2.99:5060");
    expect(notify.header("route")).toBe(`<sip:127.0.0.1:${peer.port};lr>`);
    expect(notify.cseq).toEqual({ seq: 42, method: "NOTIFY" });
    expect(notify.header("from")).toBe("<sip:gw@gw.example>;tag=loc");
    expect(notify.header("to")).toBe("<sip:alice@atlanta.example.com>;tag=rem");
    expect(notify.callId).toBe("d1");
    expect(notify.header("contact")).toMatch(/^<sip:stox@127\.0\.0\.1:\d+>$/);
    expect((await edge.dialogs.get(dialog.id))?.record.localCseq).toBe(42);
  });

  it("takes a NOTIFY that arrives before the SUBSCRIBE's 2xx as creating the dialog (RFC 6665 §4.1.2.4)", async () => {
    const notified: (string | undefined)[] = [];
    bus.subscribe(sipInSubject("notify"), (msg) => {
      notified.push(sipRequestReceivedCodec.decode(msg.data).dialogId);
      bus.respond(msg, sipResponseCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true, status: 200 }));
    });
    const edgePort = edge.address("udp")?.port ?? 0;
    const uri = `sip:bob@127.0.0.1:${peer.port}`;
    const replying = command({
      method: "SUBSCRIBE",
      requestUri: uri,
      from: { uri: "sip:alice@gw.example" },
      to: { uri },
      headers: [
        ["Event", "presence"],
        ["Expires", "600"],
      ],
    });
    const sub = (await peer.waitFor((m) => m.isRequest && (m as SipRequest).method === "SUBSCRIBE")) as SipRequest;
    const notify = [
      `NOTIFY sip:stox@127.0.0.1:${edgePort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKearlynotify;rport`,
      "Max-Forwards: 70",
      `From: <${uri}>;tag=peer1`,
      `To: ${sub.header("from")}`,
      `Call-ID: ${sub.callId}`,
      "CSeq: 1 NOTIFY",
      `Contact: <sip:bob@127.0.0.1:${peer.port}>`,
      "Event: presence",
      "Subscription-State: active;expires=600",
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n");
    peer.sendBytes(Buffer.from(notify), edgePort);
    await peer.waitFor(
      (m) => !m.isRequest && (m as SipResponse).cseq.method === "NOTIFY" && (m as SipResponse).status === 200,
    );
    peer.sendBytes(serializeSipMessage(createResponse(sub, 200, { toTag: "peer1" })), edgePort);
    const r = await replying;
    expect(r.ok && r.status).toBe(200);
    expect(r.ok && r.dialogId).toBe(notified[0]);
    const stored = await edge.dialogs.get((r.ok && r.dialogId) || "");
    expect(stored?.record.remoteTarget).toBe(`sip:bob@127.0.0.1:${peer.port}`);
    expect(stored?.record.remoteCseq).toBe(1);
  });

  it("moves to the next SRV target when the first one refuses the connection (RFC 3263 §4.3)", async () => {
    bus.subscribe(sipInSubject("message"), (msg) => {
      bus.respond(msg, sipResponseCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true, status: 200 }));
    });
    const tcpPort = edge.address("tcp")?.port ?? 0;
    const none = () => Promise.reject(new Error("ENOTFOUND"));
    const dns = {
      resolveNaptr: none,
      resolveSrv: (name: string) =>
        name === "_sip._tcp.failover.example"
          ? Promise.resolve([
              { name: "dead.failover.example", port: 9, priority: 10, weight: 0 },
              { name: "live.failover.example", port: tcpPort, priority: 20, weight: 0 },
            ])
          : none(),
      resolve4: () => Promise.resolve(["127.0.0.1"]),
      resolve6: none,
    };
    const senderBus = createMemoryBus();
    const sender = await SipEdge.start({
      bus: senderBus,
      dns,
      config: defaultConfig({ transports: [{ protocol: "tcp", address: "127.0.0.1", port: 0 }] }),
    });
    try {
      const cmd: SipRequestCommand = {
        v: 1,
        id: newEventId(),
        at: nowIso(),
        method: "MESSAGE",
        requestUri: "sip:bob@failover.example;transport=tcp",
        from: { uri: "sip:alice@gw.example" },
        to: { uri: "sip:bob@failover.example" },
      };
      const reply = await senderBus.request(SIP_OUT_REQUEST, sipRequestCommandCodec.encode(cmd), { timeoutMs: 5000 });
      const r = sipResponseReceivedCodec.decode(reply.data);
      expect(r.ok && r.status).toBe(200);
      expect(r.ok && r.isLocal).toBeFalsy();
    } finally {
      await sender.stop();
      await senderBus.drain();
    }
  });

  it("sends a request larger than 1300 bytes over TCP rather than UDP (RFC 3261 §18.1.1)", async () => {
    bus.subscribe(sipInSubject("message"), (msg) => {
      const ev = sipRequestReceivedCodec.decode(msg.data);
      bus.respond(
        msg,
        sipResponseCommandCodec.encode({
          v: 1,
          id: newEventId(),
          at: nowIso(),
          ok: true,
          status: 200,
          reason: ev.transport.protocol,
        }),
      );
    });
    // The edge sends to itself: its UDP and TCP ports differ, so give the TCP port explicitly as the target.
    const uri = `sip:bob@127.0.0.1:${edge.address("tcp")?.port}`;
    const r = await command({
      method: "MESSAGE",
      requestUri: uri,
      from: { uri: "sip:alice@gw.example" },
      to: { uri },
      contentType: "text/plain",
      body: "x".repeat(1400),
    });
    expect(r.ok && r.status).toBe(200);
    expect(r.ok && r.reason).toBe("tcp");
  });

  it("publishes provisional responses on stox.v1.sip.out.provisional with the command id", async () => {
    const provisional: SipProvisionalReceived[] = [];
    bus.subscribe(SIP_OUT_PROVISIONAL, (msg) => {
      provisional.push(sipProvisionalReceivedCodec.decode(msg.data));
    });
    const uri = `sip:bob@127.0.0.1:${peer.port}`;
    const id = newEventId();
    const replying = bus.request(
      SIP_OUT_REQUEST,
      sipRequestCommandCodec.encode({
        v: 1,
        id,
        at: nowIso(),
        method: "INVITE",
        requestUri: uri,
        from: { uri: "sip:alice@gw.example" },
        to: { uri },
      }),
      { timeoutMs: 5000 },
    );
    const invite = (await peer.waitFor((m) => m.isRequest && (m as SipRequest).method === "INVITE")) as SipRequest;
    const edgePort = edge.address("udp")?.port ?? 0;
    peer.sendBytes(serializeSipMessage(createResponse(invite, 180, { toTag: "ring1" })), edgePort);
    peer.sendBytes(serializeSipMessage(createResponse(invite, 486, { toTag: "ring1" })), edgePort);
    const r = sipResponseReceivedCodec.decode((await replying).data);
    expect(r.ok && r.status).toBe(486);
    expect(provisional.map((p) => [p.commandId, p.status, p.reason])).toEqual([[id, 180, "Ringing"]]);
    // The non-2xx final was ACKed inside the transaction (RFC 3261 §17.1.1.3).
    await peer.waitFor((m) => m.isRequest && (m as SipRequest).method === "ACK");
  });

  it("keeps a subscription dialog through the unsubscribe until the terminated NOTIFY (RFC 6665 §4.2.1.4)", async () => {
    bus.subscribe(sipInSubject("subscribe"), (msg) => {
      bus.respond(msg, sipResponseCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true, status: 200 }));
    });
    const edgePort = edge.address("udp")?.port ?? 0;
    peer.send(
      sipText("SUBSCRIBE", peer.port, { callId: "sub-1", extra: ["Event: presence", "Expires: 600"] }),
      edgePort,
    );
    const ok = (await peer.waitFor((m) => !m.isRequest && (m as SipResponse).status === 200)) as SipResponse;
    const toTag = ok.to.params.find((p) => p.name === "tag")?.value ?? "";
    const dialogId = toKvKey("sub-1", toTag, "alice1");
    peer.received.length = 0;
    peer.send(
      sipText("SUBSCRIBE", peer.port, { callId: "sub-1", cseq: 2, toTag, extra: ["Event: presence", "Expires: 0"] }),
      edgePort,
    );
    await peer.waitFor((m) => !m.isRequest && (m as SipResponse).status === 200);
    expect(await edge.dialogs.get(dialogId)).toBeDefined();
    const got = autoAnswer(200);
    const r = await command({
      method: "NOTIFY",
      requestUri: "sip:ignored@invalid",
      from: { uri: "sip:ignored@invalid" },
      to: { uri: "sip:ignored@invalid" },
      dialogId,
      headers: [
        ["Event", "presence"],
        ["Subscription-State", "terminated;reason=timeout"],
      ],
    });
    expect(r.ok && r.status).toBe(200);
    expect(got[0]?.method).toBe("NOTIFY");
    expect(await edge.dialogs.get(dialogId)).toBeUndefined();
  });

  it("cancels a pending INVITE from stox.v1.sip.out.cancel, waiting for a provisional first (RFC 3261 §9.1)", async () => {
    const uri = `sip:bob@127.0.0.1:${peer.port}`;
    const inviteId = newEventId();
    const inviting = bus.request(
      SIP_OUT_REQUEST,
      sipRequestCommandCodec.encode({
        v: 1,
        id: inviteId,
        at: nowIso(),
        method: "INVITE",
        requestUri: uri,
        from: { uri: "sip:alice@gw.example" },
        to: { uri },
      }),
      { timeoutMs: 5000 },
    );
    const invite = (await peer.waitFor((m) => m.isRequest && (m as SipRequest).method === "INVITE")) as SipRequest;
    const cancelling = bus.request(
      SIP_OUT_CANCEL,
      sipCancelCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), commandId: inviteId }),
      { timeoutMs: 5000 },
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(peer.received.some((m) => m.isRequest && (m as SipRequest).method === "CANCEL")).toBe(false);
    const edgePort = edge.address("udp")?.port ?? 0;
    peer.sendBytes(serializeSipMessage(createResponse(invite, 180, { toTag: "callee" })), edgePort);
    const cancel = (await peer.waitFor((m) => m.isRequest && (m as SipRequest).method === "CANCEL")) as SipRequest;
    expect(cancel.via[0]?.branch).toBe(invite.via[0]?.branch);
    expect(cancel.cseq).toEqual({ seq: invite.cseq.seq, method: "CANCEL" });
    expect(cancel.uri).toBe(invite.uri);
    peer.sendBytes(serializeSipMessage(createResponse(cancel, 200, { toTag: "callee" })), edgePort);
    peer.sendBytes(serializeSipMessage(createResponse(invite, 487, { toTag: "callee" })), edgePort);
    const c = sipResponseReceivedCodec.decode((await cancelling).data);
    const i = sipResponseReceivedCodec.decode((await inviting).data);
    expect(c.ok && c.status).toBe(200);
    expect(i.ok && i.status).toBe(487);
  });

  it("stays silent on a cancel for an INVITE no instance holds (the requester times out)", async () => {
    const r = bus.request(
      SIP_OUT_CANCEL,
      sipCancelCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), commandId: "unknown" }),
      { timeoutMs: 200 },
    );
    await expect(r).rejects.toThrow();
  });
});

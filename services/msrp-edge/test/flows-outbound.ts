// Outbound and active-side flows: the edge connects to a listening raw peer, sends for mappers, and
// handles NICKNAME, REPORT and session close. Run on the in-memory bus and on real NATS.
import type { MsrpRequest } from "@stox/msrp-lite";
import { describe, expect, it } from "vitest";
import { type BusFactory, useFlowSuite } from "./helpers/buses.js";
import { commandAt, startEdge } from "./helpers/edge-harness.js";
import { eventually, MapperStub } from "./helpers/mapper-stub.js";
import { PeerServer, RawPeer } from "./helpers/raw-peer.js";
import { bindingSend, textSend } from "./helpers/wire.js";

const ATLANTA = "msrp://atlanta.example.com:7654/jshA7weztas;tcp";

export function defineOutboundFlows(makeBus: BusFactory): void {
  const suite = useFlowSuite(makeBus);
  const { scope } = suite;

  async function edgeWithMapper(overrides: Parameters<typeof startEdge>[1] = {}) {
    const edge = scope.add(await startEdge(suite.bus, overrides), (e) => e.stop());
    const mapper = scope.add(new MapperStub(suite.bus, edge.owner), (m) => m.stop());
    return { edge, mapper };
  }

  async function peerServer() {
    return scope.add(await PeerServer.start(), (s) => s.stop());
  }

  /** Offer from the edge, `passive` answer from a listening peer: the edge connects (RFC 6135). */
  async function activeSession(remote: { acceptTypes?: string[]; maxSize?: number } = {}) {
    const { edge, mapper } = await edgeWithMapper();
    const server = await peerServer();
    const opened = await edge.open({ role: "offerer" });
    const peerPath = `msrp://127.0.0.1:${server.port}/peerSess0001;tcp`;
    const updated = await edge.command("update", {
      session: opened.session,
      remote: { path: [peerPath], setup: "passive", ...remote },
    });
    const peer = await server.nextPeer(0);
    const bind = await peer.request("SEND");
    peer.respond(bind, 200);
    return { edge, mapper, server, opened, updated, peer, bind, peerPath };
  }

  describe("active side and outbound commands", () => {
    it("offers actpass, connects after a passive answer and binds with a bodiless SEND (MSRP-CONN-02, MSRP-CONN-03, MSRP-CONN-08)", async () => {
      const { opened, updated, bind, peerPath } = await activeSession();
      expect(opened.setup).toBe("actpass");
      expect(opened.attributes).toEqual([
        `path:${opened.localPath[0]}`,
        "accept-types:message/cpim text/plain",
        "accept-wrapped-types:text/plain application/im-iscomposing+xml message/imdn+xml",
        "max-size:1048576",
        "setup:actpass",
      ]);
      expect(updated.ok).toBe(true);
      expect(bind.body).toBeUndefined();
      expect(bind.toPath.map((u) => `msrp://${u.host}:${u.port}/${u.sessionId};tcp`)).toEqual([peerPath]);
    });

    it("sends a mapper's message and reports the peer's 200; REPORTs are matched by Message-ID (MSRP-SEND-01, MSRP-RECV-08)", async () => {
      const { edge, mapper, opened, peer, peerPath } = await activeSession();
      const reply = edge.command("send", {
        session: opened.session,
        contentType: "text/plain",
        body: "hello from XMPP",
        successReport: "yes",
      });
      const send = await peer.request("SEND");
      expect(Buffer.from(send.body ?? []).toString()).toBe("hello from XMPP");
      expect(send.successReport).toBe("yes");
      peer.respond(send, 200);
      const result = await reply;
      expect(result).toMatchObject({ ok: true, status: 200, messageId: send.messageId });
      const to = opened.localPath[0] as string;
      const report = (messageId: string, tid: string) =>
        `MSRP ${tid} REPORT\r\nTo-Path: ${to}\r\nFrom-Path: ${peerPath}\r\nMessage-ID: ${messageId}\r\n` +
        `Byte-Range: 1-15/15\r\nStatus: 000 200 OK\r\n-------${tid}$\r\n`;
      peer.write(report("unknownMsg01", "rpt00001"));
      peer.write(report(send.messageId ?? "", "rpt00002"));
      const received = await eventually(() => mapper.reports[0]);
      expect(received).toMatchObject({
        messageId: send.messageId,
        status: 200,
        byteRange: { start: 1, end: 15, total: 15 },
      });
      expect(mapper.reports).toHaveLength(1);
    });

    it("reuses one connection for two sessions to the same peer authority (MSRP-CONN-01, RFC 4975 §8.5 without a=setup)", async () => {
      const { edge } = await edgeWithMapper();
      const server = await peerServer();
      for (const [n, setup] of [
        [1, "passive"],
        [2, undefined],
      ] as const) {
        const opened = await edge.open({ role: "offerer" });
        const remote = { path: [`msrp://127.0.0.1:${server.port}/peerSess000${n};tcp`], ...(setup ? { setup } : {}) };
        expect(await edge.command("update", { session: opened.session, remote })).toMatchObject({ ok: true });
      }
      const peer = await server.nextPeer(0);
      const binds = [await peer.request("SEND"), await peer.request("SEND")];
      expect(binds.map((b) => b.toPath[0]?.sessionId).sort()).toEqual(["peerSess0001", "peerSess0002"]);
      expect(server.peers).toHaveLength(1);
    });

    it("answers a `passive` offer as active and connects itself (RFC 6135 §4.2, tolerated)", async () => {
      const { edge } = await edgeWithMapper();
      const server = await peerServer();
      const opened = await edge.open({
        remote: { path: [`msrp://127.0.0.1:${server.port}/offerSess01;tcp`], setup: "passive" },
      });
      expect(opened.setup).toBe("active");
      expect(opened.attributes).toContain("setup:active");
      const peer = await server.nextPeer(0);
      expect((await peer.request("SEND")).toPath[0]?.sessionId).toBe("offerSess01");
    });

    it("refuses locally a type the peer did not accept (415) and a body over its max-size (413) (MSRP-SEND-04, MSRP-SEND-05)", async () => {
      const { edge, opened } = await activeSession({ acceptTypes: ["text/plain"], maxSize: 10 });
      const html = await edge.command("send", { session: opened.session, contentType: "text/html", body: "<b>x</b>" });
      expect(html).toMatchObject({ ok: false, status: 415, error: { code: "not-acceptable" } });
      const big = await edge.command("send", {
        session: opened.session,
        contentType: "text/plain",
        body: "12345678901",
      });
      expect(big).toMatchObject({ ok: false, status: 413, error: { code: "too-large" } });
    });

    it("stops a message after the peer's 413 and aborts it with # (MSRP-RESP-05, MSRP-CHUNK-08)", async () => {
      const { edge, opened, peer } = await activeSession();
      const body = "z".repeat(512 * 1024);
      const reply = edge.command("send", { session: opened.session, contentType: "text/plain", body });
      const first = await peer.request("SEND");
      peer.respond(first, 413);
      const abort = await peer.request("SEND", (r) => r.endFlag === "#");
      expect(abort.messageId).toBe(first.messageId);
      expect(await reply).toMatchObject({ ok: false, status: 413, error: { code: "too-large" } });
      const chunks = peer.frames.filter((f) => f.kind === "message" && f.message.kind === "request");
      expect(chunks.some((f) => (f as { message: MsrpRequest }).message.endFlag === "$")).toBe(false);
    });

    it("does not send a type again after the peer's 415 (RFC 4975 §10.6, MSRP-RESP-06)", async () => {
      const { edge, opened, peer } = await activeSession();
      const first = edge.command("send", { session: opened.session, contentType: "text/plain", body: "plain?" });
      peer.respond(await peer.request("SEND"), 415);
      expect(await first).toMatchObject({ ok: false, status: 415, error: { code: "not-acceptable" } });
      const again = await edge.command("send", {
        session: opened.session,
        contentType: "Text/Plain; charset=UTF-8",
        body: "x",
      });
      expect(again).toMatchObject({ ok: false, status: 415 });
      const cpim = edge.command("send", { session: opened.session, contentType: "message/cpim", body: "y" });
      const send = await peer.request("SEND");
      expect(send.contentType).toBe("message/cpim");
      peer.respond(send, 200);
      expect(await cpim).toMatchObject({ ok: true, status: 200 });
    });

    it("a failure REPORT stops the message in progress, reaches the mapper and fails the session (RFC 4975 §7.3.2, MSRP-RECV-09)", async () => {
      const { edge, mapper, opened, peer, peerPath } = await activeSession();
      const reply = edge.command("send", {
        session: opened.session,
        contentType: "text/plain",
        body: "r".repeat(256 * 1024),
      });
      const first = await peer.request("SEND");
      peer.respond(first, 200);
      const to = opened.localPath[0] as string;
      peer.write(
        `MSRP fail0001 REPORT\r\nTo-Path: ${to}\r\nFrom-Path: ${peerPath}\r\nMessage-ID: ${first.messageId}\r\n` +
          `Byte-Range: 1-2048/262144\r\nStatus: 000 413 Too big\r\n-------fail0001$\r\n`,
      );
      expect(await reply).toMatchObject({ ok: false, status: 413 });
      expect(await eventually(() => mapper.reports[0])).toMatchObject({ messageId: first.messageId, status: 413 });
      expect(await eventually(() => mapper.closed[0])).toMatchObject({
        reason: "failed",
        detail: "failure REPORT 413",
      });
      await peer.closed; // its only session failed, so the connection goes too (MSRP-CONN-06)
      const sends = peer.frames.flatMap((f) =>
        f.kind === "message" && f.message.kind === "request" ? [f.message] : [],
      );
      expect(sends.some((r) => r.endFlag === "$")).toBe(false);
    });

    it("sends NICKNAME and returns the switch's status (MSRP-NICK-01, MSRP-NICK-04)", async () => {
      const { edge, opened, peer } = await activeSession();
      const reply = edge.command("nickname", { session: opened.session, nickname: 'Ann "the first"' });
      const nick = await peer.request("NICKNAME");
      expect(nick.useNickname).toBe('Ann "the first"');
      expect(nick.successReport).toBeUndefined();
      expect(nick.failureReport).toBeUndefined();
      peer.respond(nick, 425);
      expect(await reply).toMatchObject({ ok: false, status: 425 });
    });

    it("sends a failure REPORT for a received message with its byte range (MSRP-RPT-03)", async () => {
      const { edge, mapper } = await edgeWithMapper();
      const opened = await edge.open({ remote: { path: [ATLANTA] } });
      const peer = scope.add(await RawPeer.connect(edge.edge.localPort(false)), (p) => p.close());
      peer.write(textSend(opened.localPath[0] as string, "rcv00001", "mrcv0001", "twelve bytes"));
      expect(await peer.status("rcv00001")).toBe(200);
      await eventually(() => mapper.sends[0]);
      const reply = await edge.command("report", { session: opened.session, messageId: "mrcv0001", status: 403 });
      expect(reply.ok).toBe(true);
      const report = await peer.request("REPORT");
      expect(report).toMatchObject({
        messageId: "mrcv0001",
        status: { namespace: "000", code: 403 },
        byteRange: { start: 1, end: 12, total: 12 },
      });
    });
  });

  describe("NICKNAME from participants and session end", () => {
    it("publishes NICKNAME and answers with the mapper's verdict (MSRP-NICK-02, MSRP-NICK-04)", async () => {
      const { edge, mapper } = await edgeWithMapper();
      const opened = await edge.open({ remote: { path: [ATLANTA] } });
      const to = opened.localPath[0] as string;
      const peer = scope.add(await RawPeer.connect(edge.edge.localPort(false)), (p) => p.close());
      mapper.policy.nickname = (e) =>
        e.nickname === "taken" ? { ok: false, code: "forbidden", status: 425 } : { ok: true };
      const nick = (tid: string, value: string, extra = "") =>
        `MSRP ${tid} NICKNAME\r\nTo-Path: ${to}\r\nFrom-Path: ${ATLANTA}\r\n${extra}Use-Nickname: "${value}"\r\n-------${tid}$\r\n`;
      peer.write(nick("nick0001", "Ann"));
      expect(await peer.status("nick0001")).toBe(200);
      peer.write(nick("nick0002", "taken"));
      expect(await peer.status("nick0002")).toBe(425);
      peer.write(nick("nick0003", "Bea", "Success-Report: yes\r\n"));
      expect(await peer.status("nick0003")).toBe(400);
      expect(mapper.nicknames.map((n) => n.nickname)).toEqual(["Ann", "taken"]);
    });

    it("closes a session on request: event published, connection closed, later requests get 481 (MSRP-CONN-06, MSRP-RECV-01)", async () => {
      const { edge, mapper } = await edgeWithMapper();
      const opened = await edge.open({ remote: { path: [ATLANTA] }, context: { callId: "c-1" } });
      const to = opened.localPath[0] as string;
      const peer = scope.add(await RawPeer.connect(edge.edge.localPort(false)), (p) => p.close());
      peer.write(bindingSend(to, "bindclos"));
      expect(await peer.status("bindclos")).toBe(200);
      expect(await edge.command("close", { session: opened.session, reason: "BYE" })).toMatchObject({ ok: true });
      const closed = await eventually(() => mapper.closed[0]);
      expect(closed).toMatchObject({ reason: "requested", context: { callId: "c-1" }, detail: "BYE" });
      await peer.closed;
      const again = scope.add(await RawPeer.connect(edge.edge.localPort(false)), (p) => p.close());
      again.write(textSend(to, "late0001", "mlate001", "too late"));
      expect(await again.status("late0001")).toBe(481);
      const gone = await edge.command("send", { session: opened.session, contentType: "text/plain", body: "x" });
      expect(gone).toMatchObject({ ok: false, error: { code: "not-found" } });
    });
  });

  describe("edge to edge (both sides msrp-lite)", () => {
    it("an offer from one edge answered by another: messages both ways and a success REPORT end to end (MSRP-CONN-03, MSRP-RPT-01, MSRP-RECV-08)", async () => {
      const a = await edgeWithMapper();
      const b = await edgeWithMapper();
      const offer = await a.edge.open({ role: "offerer", context: { side: "a" } });
      const answer = await b.edge.open({ remote: { path: offer.localPath, setup: "actpass" }, context: { side: "b" } });
      expect(answer.setup).toBe("passive");
      // session.open goes to any edge on the bus (queue group): later commands go to the edge that answered.
      const updated = await commandAt(suite.bus, offer.edge, "update", {
        session: offer.session,
        remote: { path: answer.localPath, setup: "passive", acceptTypes: ["message/cpim", "text/plain"] },
      });
      expect(updated.ok).toBe(true);
      const toB = await commandAt(suite.bus, offer.edge, "send", {
        session: offer.session,
        contentType: "text/plain",
        body: "from A to B",
        successReport: "yes",
      });
      expect(toB).toMatchObject({ ok: true, status: 200 });
      expect(await eventually(() => b.mapper.sends[0])).toMatchObject({ body: "from A to B", context: { side: "b" } });
      const report = await eventually(() => a.mapper.reports[0]);
      expect(report).toMatchObject({ messageId: toB.ok ? toB.messageId : "", status: 200, context: { side: "a" } });
      const toA = await commandAt(suite.bus, answer.edge, "send", {
        session: answer.session,
        contentType: "text/plain",
        body: "from B to A",
      });
      expect(toA).toMatchObject({ ok: true, status: 200 });
      expect(await eventually(() => a.mapper.sends[0]?.body)).toBe("from B to A");
      expect(a.edge.edge.connectionCount + b.edge.edge.connectionCount).toBe(2); // one TCP connection, seen from both ends
    });
  });
}

// Inbound flows over real sockets against the edge, run on the in-memory bus and on real NATS.
import { msrpCommandResultCodec } from "@stox/events";
import { atPort, FIG2, FIG3, S11_1, S11_4, S11_5, S11_6 } from "@stox/msrp-lite/testing";
import { describe, expect, it } from "vitest";
import { type BusFactory, useFlowSuite } from "./helpers/buses.js";
import { startEdge } from "./helpers/edge-harness.js";
import { eventually, MapperStub } from "./helpers/mapper-stub.js";
import { RawPeer } from "./helpers/raw-peer.js";
import { bindingSend, chunkBytes, textSend } from "./helpers/wire.js";

const ATLANTA = "msrp://atlanta.example.com:7654/jshA7weztas;tcp";

export function defineInboundFlows(makeBus: BusFactory): void {
  const suite = useFlowSuite(makeBus);
  const { scope } = suite;

  /** An edge playing the RFC's receiving side (its host and session-id), a mapper stub, a connected peer. */
  async function rfcSetup(
    fixture: { authority: string; sessionId: string },
    remotePath = ATLANTA,
    acceptTypes = ["message/cpim", "text/plain"],
  ) {
    const edge = scope.add(
      await startEdge(
        suite.bus,
        { publicHost: fixture.authority.split(":")[0] as string },
        { newSessionId: () => fixture.sessionId },
      ),
      (e) => e.stop(),
    );
    const mapper = scope.add(new MapperStub(suite.bus, edge.owner), (m) => m.stop());
    // Figure 2's peers and §11.1's Alice speak plain RFC 4975 (no a=setup): the offerer connects (§8.5).
    const opened = await edge.open({ remote: { path: [remotePath] }, acceptTypes });
    const port = edge.edge.localPort(false);
    const peer = scope.add(await RawPeer.connect(port), (p) => p.close());
    const wire = (text: string) => atPort(text, fixture.authority, port);
    return { edge, mapper, opened, port, peer, wire };
  }

  async function plainSetup(overrides: Parameters<typeof startEdge>[1] = {}) {
    const edge = scope.add(await startEdge(suite.bus, overrides), (e) => e.stop());
    const mapper = scope.add(new MapperStub(suite.bus, edge.owner), (m) => m.stop());
    const opened = await edge.open({ remote: { path: [ATLANTA], setup: "actpass" } });
    const peer = scope.add(await RawPeer.connect(edge.edge.localPort(false)), (p) => p.close());
    return { edge, mapper, opened, peer, to: opened.localPath[0] as string };
  }

  describe("RFC 4975 example flows against the edge over TCP", () => {
    it("§4 Figure 2: answers 200 byte for byte and puts the message on the bus (MSRP-RECV-01, MSRP-RESP-01, MSRP-RECV-03)", async () => {
      const { mapper, opened, peer, wire } = await rfcSetup(FIG2);
      expect(opened.setup).toBe("passive"); // MSRP-CONN-02: without a=setup the offerer is active
      peer.write(wire(FIG2.send));
      await peer.status("a786hjs2");
      // The 200 is written once the mapper accepted the message: exactly the RFC's Figure 2 response.
      expect(Buffer.concat(peer.received).toString()).toBe(wire(FIG2.ok));
      const sent = await eventually(() => mapper.sends[0]);
      expect(sent).toMatchObject({ messageId: "87652491", contentType: "text/plain", body: "Hey Bob, are you there?" });
    });

    it("§5.1 Figure 3: two chunks of abcdEFGH become one message (MSRP-CHUNK-01, MSRP-CHUNK-02, MSRP-RECV-02)", async () => {
      const { mapper, peer, wire } = await rfcSetup(FIG3);
      peer.write(wire(FIG3.chunk1));
      expect(await peer.status("dkei38sd")).toBe(200);
      expect(mapper.sends).toHaveLength(0);
      peer.write(wire(FIG3.chunk2));
      expect(await peer.status("dkei38ia")).toBe(200);
      expect(mapper.sends.map((s) => s.body)).toEqual(["abcdEFGH"]);
    });

    it("§11.1: Alice's SEND is answered and Bob's reply goes back on the same connection (MSRP-CONN-04, MSRP-RESP-02)", async () => {
      const { edge, mapper, opened, peer, wire } = await rfcSetup(S11_1, S11_1.alicePath);
      peer.write(wire(S11_1.sendAlice));
      await peer.status("d93kswow");
      expect(Buffer.concat(peer.received).toString()).toBe(wire(S11_1.okBob));
      expect(await eventually(() => mapper.sends[0]?.body)).toBe("Hi, I'm Alice!");
      const reply = edge.command("send", { session: opened.session, contentType: "text/plain", body: S11_1.bobText });
      const bobSend = await peer.request("SEND");
      expect(Buffer.from(bobSend.body ?? []).toString()).toBe(S11_1.bobText);
      expect(bobSend.toPath.map((u) => u.host)).toEqual(["alicepc.example.com"]);
      peer.respond(bobSend, 200);
      expect(await reply).toMatchObject({ ok: true, status: 200 });
    });

    it("§11.4: a CPIM message in two chunks reaches the bus whole (MSRP-CPIM-06, MSRP-RECV-03)", async () => {
      const { mapper, peer, wire } = await rfcSetup(S11_4);
      peer.write(wire(S11_4.chunk1));
      peer.write(wire(S11_4.chunk2));
      expect(await peer.status("op2nc9a")).toBe(200);
      const sent = await eventually(() => mapper.sends[0]);
      expect(sent.contentType).toBe("message/cpim");
      expect(sent.body?.startsWith("To: Bob <sip:bob@example.com>\r\n")).toBe(true);
      expect(sent.body?.endsWith("ABCD1234567890")).toBe(true);
    });

    it("§11.5: Failure-Report: no gets no response at all, the message still reaches the bus (MSRP-RESP-03, RFC 4975 §5.3)", async () => {
      const { mapper, peer, wire } = await rfcSetup(S11_5);
      peer.write(wire(S11_5.send));
      expect(await eventually(() => mapper.sends[0]?.body)).toBe("This conference will end in 5 minutes");
      expect(mapper.sends[0]?.failureReport).toBe("no");
      // A follow-up bodiless SEND is answered: anything for the first would have arrived before it.
      peer.write(bindingSend(wire(`msrp://${S11_5.authority}/${S11_5.sessionId};tcp`), "zz9zz9zz"));
      await peer.status("zz9zz9zz");
      expect(peer.frames).toEqual([]);
    });

    it("§11.6 Figures 16/17: Success-Report: yes yields a success REPORT and no 200 (MSRP-RPT-01, MSRP-RPT-02)", async () => {
      const { peer, wire } = await rfcSetup(S11_6, ATLANTA, ["text/html"]);
      peer.write(wire(S11_6.send));
      const report = await peer.request("REPORT");
      expect(report).toMatchObject({
        messageId: "12339sdqwer",
        status: { namespace: "000", code: 200 },
        byteRange: { start: 1, end: S11_6.bodyBytes, total: S11_6.bodyBytes },
      });
      expect(report.toPath.map((u) => u.host)).toEqual(["alicepc.example.com"]);
      expect(peer.frames.filter((f) => f.kind === "message" && f.message.kind === "response")).toEqual([]);
    });
  });

  describe("binding, limits and error statuses", () => {
    it("answers 481 for a To-Path naming no session here (MSRP-RECV-01)", async () => {
      const { peer, to } = await plainSetup();
      peer.write(textSend(to.replace(/\/[^/;]+;tcp$/, "/nosuchsession12345;tcp"), "tx481aaa", "m481aaaa", "hi"));
      expect(await peer.status("tx481aaa")).toBe(481);
    });

    it("answers 506 when the session is already bound to another connection (MSRP-CONN-04)", async () => {
      const { edge, peer, to } = await plainSetup();
      peer.write(bindingSend(to, "bind0001"));
      expect(await peer.status("bind0001")).toBe(200);
      const intruder = scope.add(await RawPeer.connect(edge.edge.localPort(false)), (p) => p.close());
      intruder.write(textSend(to, "tx506aaa", "m506aaaa", "hi"));
      expect(await intruder.status("tx506aaa")).toBe(506);
    });

    it("answers 501 to an unknown method (MSRP-FMT-08)", async () => {
      const { peer, to } = await plainSetup();
      peer.write(`MSRP tx501aaa FROB\r\nTo-Path: ${to}\r\nFrom-Path: ${ATLANTA}\r\n-------tx501aaa$\r\n`);
      expect(await peer.status("tx501aaa")).toBe(501);
    });

    it("answers 400 to a malformed chunk and keeps serving the connection (MSRP-FMT-10)", async () => {
      const { mapper, peer, to } = await plainSetup();
      const bad = textSend(to, "tx400aaa", "m400aaaa", "hello")
        .toString()
        .replace("Byte-Range: 1-5/5", "Byte-Range: five");
      peer.write(bad);
      expect(await peer.status("tx400aaa")).toBe(400);
      peer.write(textSend(to, "tx400bbb", "m400bbbb", "still here"));
      expect(await peer.status("tx400bbb")).toBe(200);
      expect(mapper.sends.map((s) => s.body)).toEqual(["still here"]);
    });

    it("answers 413 to a message over a=max-size (MSRP-SDP-06, MSRP-RECV-10)", async () => {
      const { opened, peer, to } = await plainSetup({ maxMessageBytes: 4096 });
      expect(opened.attributes).toContain("max-size:4096");
      peer.write(textSend(to, "tx413aaa", "m413aaaa", "x".repeat(100), { total: 100_000, end: "*", flag: "+" }));
      expect(await peer.status("tx413aaa")).toBe(413);
    });

    it("answers 415 to a media type outside a=accept-types (MSRP-RECV-05)", async () => {
      const { peer, to } = await plainSetup();
      peer.write(textSend(to, "tx415aaa", "m415aaaa", "<x/>", { contentType: "application/xml" }));
      expect(await peer.status("tx415aaa")).toBe(415);
    });

    it.each([
      [{ ok: false as const, code: "forbidden" as const }, 403],
      [{ ok: false as const, code: "not-acceptable" as const }, 415],
      [{ ok: false as const, code: "not-found" as const, status: 404 }, 404],
    ])("turns the mapper's refusal %j into MSRP %i", async (verdict, status) => {
      const { mapper, peer, to } = await plainSetup();
      mapper.policy.send = () => verdict;
      peer.write(textSend(to, "txrefuse", "mrefusee", "no thanks"));
      expect(await peer.status("txrefuse")).toBe(status);
    });

    it("answers 408 when the mapper does not answer in time (RFC 4975 §10.4)", async () => {
      const { mapper, peer, to } = await plainSetup({ mapperTimeoutMs: 200 });
      mapper.policy.send = () => "silent";
      peer.write(textSend(to, "tx408aaa", "m408aaaa", "anyone?"));
      expect(await peer.status("tx408aaa")).toBe(408);
    });

    it("Failure-Report: partial gets no 200, but the mapper's refusal is answered (RFC 4975 §5.3, §7.2)", async () => {
      const { mapper, peer, to } = await plainSetup();
      mapper.policy.send = (e) => (e.messageId === "mpartno2" ? { ok: false, code: "forbidden" } : { ok: true });
      peer.write(textSend(to, "part0001", "mpartok1", "accepted", { headers: ["Failure-Report: partial"] }));
      peer.write(textSend(to, "part0002", "mpartno2", "refused", { headers: ["Failure-Report: partial"] }));
      expect(await peer.status("part0002")).toBe(403);
      await eventually(() => (mapper.sends.length === 2 ? true : undefined));
      peer.write(bindingSend(to, "part0003"));
      await peer.status("part0003");
      expect(peer.frames).toEqual([]); // nothing for part0001
    });

    it("serves two sessions bound to one connection by the peer (RFC 4975 §5.4 connection sharing)", async () => {
      const { edge, mapper, peer, to } = await plainSetup();
      const second = await edge.open({ remote: { path: [ATLANTA] }, context: { leg: "2" } });
      const to2 = second.localPath[0] as string;
      peer.write(textSend(to, "share001", "mshare01", "to the first session"));
      peer.write(textSend(to2, "share002", "mshare02", "to the second session"));
      expect(await peer.status("share001")).toBe(200);
      expect(await peer.status("share002")).toBe(200);
      await eventually(() => (mapper.sends.length === 2 ? true : undefined));
      const bySession = Object.fromEntries(mapper.sends.map((m) => [m.body, m.context?.leg ?? "1"]));
      expect(bySession).toEqual({ "to the first session": "1", "to the second session": "2" });
      expect(edge.edge.connectionCount).toBe(1);
    });

    it("closes a connection that sends garbage; a session on another connection carries on (MSRP-CONN-05)", async () => {
      const { edge, mapper, peer, to } = await plainSetup();
      const other = await edge.open({ remote: { path: [ATLANTA] } });
      const victim = scope.add(await RawPeer.connect(edge.edge.localPort(false)), (p) => p.close());
      const otherTo = other.localPath[0] as string;
      victim.write(bindingSend(otherTo, "victim01"));
      expect(await victim.status("victim01")).toBe(200);
      victim.write("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
      await victim.closed;
      const closed = await eventually(() => mapper.closed.find((c) => c.session === other.session));
      expect(closed.reason).toBe("connection-lost");
      peer.write(textSend(to, "txalive1", "malive01", "unaffected"));
      expect(await peer.status("txalive1")).toBe(200);
      expect(mapper.sends.map((s) => s.body)).toEqual(["unaffected"]);
    });
  });

  describe("large, interleaved, interrupted and tricky messages", () => {
    it("reassembles a 1 MiB message sent in 2048-byte chunks byte-exact onto the bus (MSRP-CHUNK-04, MSRP-CHUNK-07)", async () => {
      const { edge, mapper, peer, to } = await plainSetup({ maxMessageBytes: 2 * 1024 * 1024 });
      const body = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 11)) & 0xff;
      const fetched: Buffer[] = [];
      mapper.policy.send = async (event) => {
        // The body does not fit one bus message: fetch it by reference while the event is open.
        for (let offset = 0; offset < event.bodyBytes; offset += 512 * 1024) {
          const reply = msrpCommandResultCodec.decode(
            (
              await suite.bus.request(
                `stox.v1.msrp.out.${edge.instanceId}.body`,
                new TextEncoder().encode(
                  JSON.stringify({
                    v: 1,
                    id: `f${offset}`,
                    at: new Date().toISOString(),
                    session: event.session,
                    bodyRef: event.bodyRef,
                    offset,
                    length: 512 * 1024,
                  }),
                ),
                { timeoutMs: 5000 },
              )
            ).data,
          );
          if (!reply.ok || reply.body === undefined) throw new Error("body fetch failed");
          fetched.push(Buffer.from(reply.body, "base64"));
        }
        return { ok: true };
      };
      const chunks: Buffer[] = [];
      for (let start = 0, n = 0; start < body.length; start += 2048, n++) {
        const end = Math.min(start + 2048, body.length);
        chunks.push(
          chunkBytes(to, `big${String(n).padStart(5, "0")}`, "mbig0001", body.subarray(start, end), {
            start: start + 1,
            end,
            total: body.length,
            flag: end === body.length ? "$" : "+",
            contentType: "text/plain",
          }),
        );
      }
      peer.write(Buffer.concat(chunks));
      expect(await peer.status("big00511")).toBe(200);
      const event = await eventually(() => mapper.sends[0]);
      expect(event.bodyBytes).toBe(body.length);
      expect(event.body).toBeUndefined();
      expect(Buffer.concat(fetched).equals(body)).toBe(true);
    });

    it("keeps two messages interleaved on one connection apart (MSRP-RECV-04, RFC 4975 §7.3.1)", async () => {
      const { mapper, peer, to } = await plainSetup();
      const a = ["first half of A, ", "second half of A"];
      const b = ["B begins; ", "B ends"];
      const lenA = a.join("").length;
      const lenB = b.join("").length;
      peer.write(textSend(to, "ia000001", "msgAAAAA", a[0] as string, { end: a[0]?.length, total: lenA, flag: "+" }));
      peer.write(textSend(to, "ib000001", "msgBBBBB", b[0] as string, { end: b[0]?.length, total: lenB, flag: "+" }));
      peer.write(
        textSend(to, "ib000002", "msgBBBBB", b[1] as string, {
          start: (b[0]?.length ?? 0) + 1,
          end: lenB,
          total: lenB,
        }),
      );
      peer.write(
        textSend(to, "ia000002", "msgAAAAA", a[1] as string, {
          start: (a[0]?.length ?? 0) + 1,
          end: lenA,
          total: lenA,
        }),
      );
      expect(await peer.status("ia000002")).toBe(200);
      await eventually(() => (mapper.sends.length === 2 ? true : undefined));
      expect(Object.fromEntries(mapper.sends.map((s) => [s.messageId, s.body]))).toEqual({
        msgAAAAA: a.join(""),
        msgBBBBB: b.join(""),
      });
    });

    it("completes an interrupted chunk with the next one and drops an aborted message (MSRP-CHUNK-05, MSRP-CHUNK-08)", async () => {
      const { mapper, peer, to } = await plainSetup();
      const text = "interrupted after these words, then resumed";
      const cut = 20;
      // Byte-Range 1-*/N with only `cut` bytes before `+`: the payload decides the length (MSRP-RECV-03).
      peer.write(textSend(to, "int00001", "mintrupt", text.slice(0, cut), { end: "*", total: text.length, flag: "+" }));
      peer.write(textSend(to, "abt00001", "maborted", "never finished", { end: "*", total: 100, flag: "+" }));
      peer.write(textSend(to, "abt00002", "maborted", "", { start: 15, end: "*", total: 100, flag: "#" }));
      peer.write(
        textSend(to, "int00002", "mintrupt", text.slice(cut), { start: cut + 1, end: text.length, total: text.length }),
      );
      expect(await peer.status("int00002")).toBe(200);
      expect(await peer.status("abt00002")).toBe(200);
      expect(mapper.sends.map((s) => [s.messageId, s.body])).toEqual([["mintrupt", text]]);
    });

    it("delivers a body that contains a fake end-line intact (MSRP-FMT-06, MSRP-FMT-10)", async () => {
      const { mapper, peer, to } = await plainSetup();
      const body = "line one\r\n-------fake1234$\r\n-------fakeend+\r\n-------fakeen$x\r\nlast line";
      peer.write(textSend(to, "fakeend0", "mfakeend", body));
      expect(await peer.status("fakeend0")).toBe(200);
      expect(mapper.sends.map((s) => s.body)).toEqual([body]);
    });
  });
}

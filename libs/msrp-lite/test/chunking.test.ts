import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  chunkMessage,
  MessageReassembler,
  MsrpMessageTooLargeError,
  MsrpReassemblyError,
  type MsrpRequest,
  OutgoingMessage,
  parseMsrpUri,
  type ReassemblyResult,
} from "../src/index.js";
import { concatWire, frameInPieces, messagesOf, text } from "./helpers.js";

const toPath = [parseMsrpUri("msrp://peer.example.org:7000/zz81LqN5bW3yT8kD;tcp")];
const fromPath = [parseMsrpUri("msrp://gw.example.net:2855/a8Hq3kPz0vX2mR7t;tcp")];
const base = { toPath, fromPath, contentType: "application/octet-stream" };

function completeBody(result: ReassemblyResult | undefined): Uint8Array {
  if (result?.status !== "complete") throw new Error(`expected complete, got ${result?.status}`);
  return result.message.body;
}

describe("1 MiB message through chunker, wire and reassembler (MSRP-CHUNK-01..04, MSRP-RECV-02)", () => {
  const body = randomBytes(1024 * 1024);

  it("arrives byte-exact after serialize → framer (uneven reads) → reassembly", () => {
    const chunks = chunkMessage({ ...base, body, chunkBytes: 2048 });
    expect(chunks).toHaveLength(512);
    const received = messagesOf(frameInPieces(concatWire(chunks), [1460, 7, 65536, 333])) as MsrpRequest[];
    const reassembler = new MessageReassembler({ maxMessageBytes: 2 * 1024 * 1024 });
    const results = received.map((r) => reassembler.accept(r));
    expect(results.slice(0, -1).every((r) => r.status === "partial")).toBe(true);
    expect(Buffer.compare(completeBody(results.at(-1)), body)).toBe(0);
    expect(reassembler.pendingCount).toBe(0);
  });

  it("labels chunks in Byte-Range order with one Message-ID and + until the last $", () => {
    const chunks = chunkMessage({ ...base, body, chunkBytes: 2048, successReport: "yes" });
    const ids = new Set(chunks.map((c) => c.messageId));
    expect(ids.size).toBe(1);
    expect(chunks[0]?.byteRange).toEqual({ start: 1, end: 2048, total: body.length });
    expect(chunks[1]?.byteRange).toEqual({ start: 2049, end: 4096, total: body.length });
    expect(chunks.at(-1)?.byteRange).toEqual({ start: body.length - 2047, end: body.length, total: body.length });
    expect(chunks.map((c) => c.endFlag).join("")).toBe(`${"+".repeat(511)}$`);
    expect(chunks.every((c) => c.successReport === "yes")).toBe(true); // MSRP-SEND-02
    expect(new Set(chunks.map((c) => c.transactionId)).size).toBe(512);
  });

  it("reassembles the chunks in reverse order too (MSRP-RECV-04)", () => {
    const chunks = chunkMessage({ ...base, body, chunkBytes: 16384 }).reverse();
    const reassembler = new MessageReassembler({ maxMessageBytes: 1024 * 1024 });
    const results = chunks.map((c) => reassembler.accept(c));
    expect(Buffer.compare(completeBody(results.at(-1)), body)).toBe(0);
  });

  it("marks chunks above 2048 bytes interruptible with range-end * (MSRP-CHUNK-04)", () => {
    const [first] = chunkMessage({ ...base, body, chunkBytes: 65536 });
    expect(first?.byteRange).toEqual({ start: 1, end: "*", total: body.length });
  });
});

describe("two messages interleaved on one connection (RFC 4975 §5.1, MSRP-RECV-02)", () => {
  it("reassembles both from alternating chunks", () => {
    const a = Buffer.from(`${"A".repeat(5000)}end of a`);
    const b = Buffer.from(`${"B".repeat(7000)}end of b`);
    const ca = chunkMessage({ ...base, body: a, chunkBytes: 1000 });
    const cb = chunkMessage({ ...base, body: b, chunkBytes: 1000 });
    const mixed: MsrpRequest[] = [];
    for (let i = 0; i < Math.max(ca.length, cb.length); i++) {
      if (cb[i]) mixed.push(cb[i] as MsrpRequest);
      if (ca[i]) mixed.push(ca[i] as MsrpRequest);
    }
    const reassembler = new MessageReassembler();
    const done = (messagesOf(frameInPieces(concatWire(mixed), [999])) as MsrpRequest[])
      .map((r) => reassembler.accept(r))
      .filter((r) => r.status === "complete");
    expect(done.map((r) => r.status === "complete" && text(r.message.body))).toEqual([a.toString(), b.toString()]);
  });
});

describe("interrupted and aborted messages (RFC 4975 §7.1.1, §7.3.1; MSRP-CHUNK-05, MSRP-CHUNK-08, MSRP-RECV-03)", () => {
  it("accepts an interrupted chunk shorter than its range and the resumed rest", () => {
    const body = Buffer.from("0123456789abcdefghij");
    const first = chunkMessage({ ...base, body, chunkBytes: 20 })[0] as MsrpRequest;
    // The sender wrote 7 of 20 bytes, then ended the chunk with `+` and resumed in a new SEND.
    const cut: MsrpRequest = {
      ...first,
      byteRange: { start: 1, end: "*", total: 20 },
      body: body.subarray(0, 7),
      endFlag: "+",
    };
    const rest: MsrpRequest = {
      ...first,
      transactionId: "resume01",
      byteRange: { start: 8, end: 20, total: 20 },
      body: body.subarray(7),
    };
    const wire = messagesOf(frameInPieces(concatWire([cut, rest]), [5])) as MsrpRequest[];
    const reassembler = new MessageReassembler();
    expect(reassembler.accept(wire[0] as MsrpRequest)).toMatchObject({
      status: "partial",
      receivedBytes: 7,
      totalBytes: 20,
    });
    expect(text(completeBody(reassembler.accept(wire[1] as MsrpRequest)))).toBe(body.toString());
  });

  it("drops a message whose sender aborts it with #", () => {
    const message = new OutgoingMessage({ ...base, body: Buffer.alloc(10_000, 1) });
    const first = message.next(4096) as MsrpRequest;
    const abort = message.abort() as MsrpRequest;
    expect(abort).toMatchObject({
      endFlag: "#",
      byteRange: { start: 4097, end: "*", total: 10_000 },
      messageId: first.messageId,
    });
    expect(message.next()).toBeUndefined();
    const reassembler = new MessageReassembler();
    reassembler.accept(first);
    expect(reassembler.accept(abort)).toEqual({ status: "aborted", messageId: first.messageId, receivedBytes: 4096 });
    expect(reassembler.pendingCount).toBe(0);
  });

  it("completes a message whose total is * once the $ chunk fixes it", () => {
    const chunks = chunkMessage({ ...base, body: Buffer.from("abcdefgh"), chunkBytes: 3 }).map((c) => ({
      ...c,
      byteRange: { start: c.byteRange?.start ?? 1, end: "*" as const, total: "*" as const },
    }));
    const reassembler = new MessageReassembler();
    const results = chunks.map((c) => reassembler.accept(c));
    expect(results[0]).toMatchObject({ status: "partial", receivedBytes: 3 });
    expect(results[0]).not.toHaveProperty("totalBytes");
    expect(text(completeBody(results.at(-1)))).toBe("abcdefgh");
  });

  it("lets the latest bytes win on overlap", () => {
    const [c1, c2] = chunkMessage({ ...base, body: Buffer.from("aaaabbbb"), chunkBytes: 4 }) as [
      MsrpRequest,
      MsrpRequest,
    ];
    const overlap: MsrpRequest = {
      ...c1,
      byteRange: { start: 3, end: 4, total: 8 },
      body: Buffer.from("XY"),
      endFlag: "+",
    };
    const reassembler = new MessageReassembler();
    reassembler.accept(c1);
    reassembler.accept(overlap);
    expect(text(completeBody(reassembler.accept(c2)))).toBe("aaXYbbbb");
  });
});

describe("limits (MSRP-SEND-05, MSRP-RECV-10, RFC 4975 §14.5)", () => {
  it("answers a declared total above max size with 413 before buffering", () => {
    const [first] = chunkMessage({ ...base, body: Buffer.alloc(100), chunkBytes: 10 }) as [MsrpRequest];
    const liar: MsrpRequest = { ...first, byteRange: { start: 1, end: 10, total: 10 ** 12 } };
    const reassembler = new MessageReassembler({ maxMessageBytes: 1000 });
    expect(() => reassembler.accept(liar)).toThrowError(MsrpMessageTooLargeError);
    expect(reassembler.bufferedBytes).toBe(0);
  });

  it("answers chunks growing past max size with 413 when the total is *", () => {
    const chunks = chunkMessage({ ...base, body: Buffer.alloc(3000), chunkBytes: 1000 }).map((c) => ({
      ...c,
      byteRange: { start: c.byteRange?.start ?? 1, end: "*" as const, total: "*" as const },
    }));
    const reassembler = new MessageReassembler({ maxMessageBytes: 2500 });
    reassembler.accept(chunks[0] as MsrpRequest);
    reassembler.accept(chunks[1] as MsrpRequest);
    const error = (() => {
      try {
        reassembler.accept(chunks[2] as MsrpRequest);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ code: "STOX_MSRP_TOO_LARGE", statusCode: 413, limitBytes: 2500 });
    expect(reassembler.pendingCount).toBe(0);
  });

  it("rejects a chunk carrying more bytes than its Byte-Range (400)", () => {
    const [first] = chunkMessage({ ...base, body: Buffer.alloc(10), chunkBytes: 10 }) as [MsrpRequest];
    const bad: MsrpRequest = { ...first, byteRange: { start: 1, end: 5, total: 10 }, endFlag: "+" };
    expect(() => new MessageReassembler().accept(bad)).toThrowError(MsrpReassemblyError);
  });

  it("caps the number of messages in reassembly", () => {
    const reassembler = new MessageReassembler({ maxPendingMessages: 2 });
    const firsts = [1, 2, 3].map(
      (n) => chunkMessage({ ...base, body: Buffer.alloc(20, n), chunkBytes: 10 })[0] as MsrpRequest,
    );
    reassembler.accept(firsts[0] as MsrpRequest);
    reassembler.accept(firsts[1] as MsrpRequest);
    expect(() => reassembler.accept(firsts[2] as MsrpRequest)).toThrowError(/more than 2 messages/);
  });

  it("expires partial messages after the chunk timeout (injected clock)", () => {
    let nowMs = 0;
    const reassembler = new MessageReassembler({ chunkTimeoutMs: 60_000, now: () => nowMs });
    const [first] = chunkMessage({ ...base, body: Buffer.alloc(20), chunkBytes: 10 }) as [MsrpRequest];
    reassembler.accept(first);
    nowMs = 59_999;
    expect(reassembler.expire()).toEqual([]);
    nowMs = 60_000;
    expect(reassembler.expire()).toEqual([first.messageId]);
    expect(reassembler.pendingCount).toBe(0);
  });

  it("refuses to send a message above the peer's a=max-size (MSRP-SEND-05)", () => {
    expect(() => new OutgoingMessage({ ...base, body: Buffer.alloc(101), peerMaxBytes: 100 })).toThrowError(
      MsrpMessageTooLargeError,
    );
  });

  it("sends an empty message as one SEND with Byte-Range 1-0/0", () => {
    const [only, ...rest] = chunkMessage({ ...base, body: new Uint8Array(0) });
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ byteRange: { start: 1, end: 0, total: 0 }, endFlag: "$" });
    expect(completeBody(new MessageReassembler().accept(only as MsrpRequest)).length).toBe(0);
  });

  it("picks another transaction id when the chunk contains the first one's end-line (MSRP-FMT-06)", () => {
    const ids = ["clash001", "clash002"];
    const body = Buffer.from("evil\r\n-------clash001$\r\nmore");
    const [chunk] = chunkMessage({ ...base, body, newTransactionId: () => ids.shift() ?? "zzzz9999" });
    expect(chunk?.transactionId).toBe("clash002");
  });
});

describe("streamed chunks interrupted on the wire (RFC 4975 §7.1.1; MSRP-CHUNK-05, MSRP-CHUNK-06)", () => {
  const body = Buffer.from(`${"x".repeat(6000)}tail`);

  it("cuts a chunk after any byte, resumes in a new transaction and reassembles", () => {
    const message = new OutgoingMessage({ ...base, body });
    const wire: Buffer[] = [];
    const cuts = [2500, 0, 3504]; // a response had to go out after 2500 bytes; an empty turn; then the rest
    const tids: string[] = [];
    for (const cut of cuts) {
      const chunk = message.startChunk();
      if (!chunk) break;
      tids.push(chunk.transactionId);
      wire.push(Buffer.from(chunk.head), Buffer.from(chunk.body.subarray(0, cut)), Buffer.from(chunk.finish(cut)));
    }
    expect(message.isFinished).toBe(true);
    expect(new Set(tids).size).toBe(3);
    const received = messagesOf(frameInPieces(Buffer.concat(wire), [700])) as MsrpRequest[];
    expect(received.map((r) => r.endFlag)).toEqual(["+", "+", "$"]);
    expect(received.map((r) => r.byteRange)).toEqual([
      { start: 1, end: "*", total: 6004 },
      { start: 2501, end: "*", total: 6004 },
      { start: 2501, end: "*", total: 6004 },
    ]);
    const reassembler = new MessageReassembler();
    const last = received.map((r) => reassembler.accept(r)).at(-1);
    expect(Buffer.compare(completeBody(last), body)).toBe(0);
  });

  it("aborts a streamed chunk with # (MSRP-CHUNK-08)", () => {
    const message = new OutgoingMessage({ ...base, body });
    const chunk = message.startChunk(4096);
    expect(() => message.next()).toThrowError(RangeError);
    const end = chunk?.finish(10, { abort: true });
    expect(end && Buffer.from(end).toString()).toBe(`\r\n-------${chunk?.transactionId}#\r\n`);
    expect(message.isAborted).toBe(true);
    expect(message.startChunk()).toBeUndefined();
  });
});

describe("duplicates (RFC 4975 §5.4, MSRP-RECV-07)", () => {
  it("flags a message whose Message-ID was already completed, and only that one", () => {
    const reassembler = new MessageReassembler({ duplicateWindow: 2 });
    const [a] = chunkMessage({ ...base, body: Buffer.from("a") }) as [MsrpRequest];
    const [b] = chunkMessage({ ...base, body: Buffer.from("b") }) as [MsrpRequest];
    const [c] = chunkMessage({ ...base, body: Buffer.from("c") }) as [MsrpRequest];
    expect(reassembler.accept(a)).toMatchObject({ status: "complete", isDuplicate: false });
    expect(reassembler.accept({ ...a, transactionId: "resent01" })).toMatchObject({ isDuplicate: true });
    reassembler.accept(b);
    reassembler.accept(c); // the window of 2 now holds b and c
    expect(reassembler.accept(a)).toMatchObject({ isDuplicate: false });
  });
});

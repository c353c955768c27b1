import { describe, expect, it } from "vitest";
import type { FramerEvent } from "../src/index.js";
import { parseSipMessage, SipParseError, SipStreamFramer } from "../src/index.js";
import { torture } from "./fixtures/rfc4475.js";

const a = torture("esc01"); // INVITE with a 150-byte body
const b = torture("zeromf"); // OPTIONS without body
const c = torture("mpart01"); // binary multipart body

function messages(events: FramerEvent[]): Buffer[] {
  return events.flatMap((e) => (e.type === "message" ? [e.data] : []));
}

describe("SipStreamFramer (RFC 3261 §18.3 stream framing)", () => {
  it("cuts several messages delivered in one read", () => {
    const out = messages(new SipStreamFramer().push(Buffer.concat([a, b, c])));
    expect(out).toEqual([a, b, c]);
  });

  it("reassembles messages delivered one byte at a time", () => {
    const framer = new SipStreamFramer();
    const out: Buffer[] = [];
    for (const byte of Buffer.concat([a, b, c])) out.push(...messages(framer.push(Buffer.from([byte]))));
    expect(out).toEqual([a, b, c]);
    expect(framer.bufferedBytes).toBe(0);
  });

  it("splits at every possible point of a two-message stream", () => {
    const stream = Buffer.concat([a, c]);
    for (let cut = 1; cut < stream.length; cut += 7) {
      const framer = new SipStreamFramer();
      const out = [...messages(framer.push(stream.subarray(0, cut))), ...messages(framer.push(stream.subarray(cut)))];
      expect(out).toEqual([a, c]);
    }
  });

  it("the frames it emits parse, binary bodies intact", () => {
    const [frame] = messages(new SipStreamFramer().push(c));
    const m = parseSipMessage(frame as Buffer);
    expect(m.body.length).toBe(553);
  });

  it("RFC 5626 §4.4.1: a CRLFCRLF ping between messages is reported (server role)", () => {
    const framer = new SipStreamFramer();
    const events = framer.push(Buffer.concat([a, Buffer.from("\r\n\r\n"), b]));
    expect(events.map((e) => e.type)).toEqual(["message", "ping", "message"]);
  });

  it("RFC 5626 §4.4.1: a ping split across reads is still one ping", () => {
    const framer = new SipStreamFramer();
    expect(framer.push(Buffer.from("\r\n"))).toEqual([]);
    expect(framer.push(Buffer.from("\r\n"))).toEqual([{ type: "ping" }]);
  });

  it("RFC 5626 §4.4.1: a CRLF pong is reported in the client role", () => {
    const framer = new SipStreamFramer({ role: "client" });
    expect(framer.push(Buffer.from("\r\n")).map((e) => e.type)).toEqual(["pong"]);
    expect(messages(framer.push(b))).toEqual([b]);
  });

  it("RFC 3261 §7.5: a stray CRLF before a start line is skipped (server role)", () => {
    expect(messages(new SipStreamFramer().push(Buffer.concat([Buffer.from("\r\n"), b])))).toEqual([b]);
  });

  it("refuses an oversize message as soon as Content-Length is read, without buffering the body", () => {
    const framer = new SipStreamFramer({ maxMessageBytes: 1000 });
    const head = Buffer.from("MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 5000000\r\n\r\n");
    let error: unknown;
    try {
      framer.push(head);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SipParseError);
    expect((error as SipParseError).status).toBe(513);
    expect(framer.bufferedBytes).toBe(0);
  });

  it("refuses a header section that never ends once it passes maxHeaderBytes", () => {
    const framer = new SipStreamFramer({ maxHeaderBytes: 2048 });
    const line = Buffer.from("X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    expect(() => {
      for (let i = 0; i < 100; i++) framer.push(line);
    }).toThrow(/header section exceeds 2048/);
  });

  it("a framing error is final: the stream cannot resynchronise", () => {
    const framer = new SipStreamFramer();
    expect(() => framer.push(Buffer.from("OPTIONS sip:a SIP/2.0\r\nl: five\r\n\r\n"))).toThrow(SipParseError);
    expect(() => framer.push(b)).toThrow(SipParseError);
  });

  it("a folded Content-Length is still found", () => {
    const msg = Buffer.from("MESSAGE sip:a@b SIP/2.0\r\nContent-Length:\r\n 3\r\n\r\nabc");
    expect(messages(new SipStreamFramer().push(msg))).toEqual([msg]);
  });
});

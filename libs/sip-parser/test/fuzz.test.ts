// A seeded mutation fuzzer over the real corpus (the RFC 4475 messages plus the benchmark's
// realistic ones): bit flips, byte substitutions with SIP delimiters, truncation, splicing, line
// duplication and huge values. Each mutant goes through parseSipMessage (both validation modes,
// every structured getter, serialize and re-parse) and through the stream framer in random chunks.
// Bounded by an iteration count; a hang would trip the test timeout.
import { describe, expect, it } from "vitest";
import { REALISTIC } from "../bench/corpus.js";
import { headerKey, parseSipMessage, SipParseError, SipStreamFramer, serializeSipMessage } from "../src/index.js";
import { torture, tortureNames } from "./fixtures/rfc4475.js";

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const corpus: Buffer[] = [...tortureNames().map(torture), ...REALISTIC.map((m) => Buffer.from(m.text))];
const DELIMS = Buffer.from(':;,<>"\\%@ \t\r\n=/?&[]*0');

function mutate(rand: () => number): Buffer {
  const pick = (n: number) => Math.floor(rand() * n);
  let buf = Buffer.from(corpus[pick(corpus.length)] as Buffer);
  const steps = 1 + pick(4);
  for (let s = 0; s < steps && buf.length > 0; s++) {
    const at = pick(buf.length);
    switch (pick(8)) {
      case 0: // bit flip
        buf[at] = (buf[at] as number) ^ (1 << pick(8));
        break;
      case 1: // SIP delimiter
        buf[at] = DELIMS[pick(DELIMS.length)] as number;
        break;
      case 2: // truncate
        buf = buf.subarray(0, at);
        break;
      case 3: {
        // splice with another corpus message
        const other = corpus[pick(corpus.length)] as Buffer;
        buf = Buffer.concat([buf.subarray(0, at), other.subarray(pick(other.length))]);
        break;
      }
      case 4: {
        // duplicate a line
        const start = buf.lastIndexOf("\r\n", at) + 2;
        const end = buf.indexOf("\r\n", at);
        if (end > start)
          buf = Buffer.concat([buf.subarray(0, end + 2), buf.subarray(start, end + 2), buf.subarray(end + 2)]);
        break;
      }
      case 5: {
        // huge value
        const filler = Buffer.alloc(1000 + pick(60_000), ["a", "9", ";", " ", "%", '"'][pick(6)] as string);
        buf = Buffer.concat([buf.subarray(0, at), filler, buf.subarray(at)]);
        break;
      }
      case 6: // delete a range
        buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + pick(40))]);
        break;
      default: // random byte
        buf[at] = pick(256);
    }
  }
  return buf;
}

function onlyParseErrors(run: () => void): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
  }
}

function exercise(bytes: Buffer): void {
  onlyParseErrors(() => {
    const m = parseSipMessage(bytes, { validate: false });
    const getters = [
      () => m.via,
      () => m.from,
      () => m.to,
      () => m.callId,
      () => m.cseq,
      () => m.maxForwards,
      () => m.contact,
      () => m.route,
      () => m.recordRoute,
      () => m.contentType,
      () => m.expires,
      () => m.date,
      () => (m.isRequest ? m.requestUri : undefined),
    ];
    for (const g of getters) onlyParseErrors(g);
  });
  onlyParseErrors(() => {
    const m = parseSipMessage(bytes);
    // An accepted message must serialize to something that parses to the same header lines
    // (serialization adds Content-Length when a datagram had none, RFC 3261 §18.3).
    const again = parseSipMessage(serializeSipMessage(m));
    const lines = (x: typeof m) => x.headers.filter((h) => headerKey(h.name) !== "content-length");
    expect(lines(again)).toEqual(lines(m));
    expect(again.body.equals(m.body)).toBe(true);
  });
}

describe("seeded mutation fuzzing (corpus: RFC 4475 + realistic messages)", () => {
  it("parseSipMessage never throws anything but SipParseError and re-parses what it accepts", () => {
    const rand = prng(0x5713);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = mutate(rand);
      exercise(bytes);
      try {
        parseSipMessage(bytes);
        accepted++;
      } catch {
        // rejected
      }
    }
    expect(accepted).toBeGreaterThan(50); // the mutants reach deep into the parser, not just the start line
  });

  it("the stream framer only throws SipParseError, whatever the chunking", () => {
    const rand = prng(0xf4a3e);
    let messages = 0;
    for (let i = 0; i < 1000; i++) {
      const stream = Buffer.concat([mutate(rand), Buffer.from("\r\n\r\n"), mutate(rand)]);
      const framer = new SipStreamFramer({ maxMessageBytes: 100_000 });
      onlyParseErrors(() => {
        let pos = 0;
        while (pos < stream.length) {
          const n = 1 + Math.floor(rand() * 600);
          for (const ev of framer.push(stream.subarray(pos, pos + n))) {
            if (ev.type === "message") {
              messages++;
              exercise(ev.data);
            }
          }
          pos += n;
        }
      });
    }
    expect(messages).toBeGreaterThan(50);
  });
});

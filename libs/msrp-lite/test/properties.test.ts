import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CpimParseError,
  formatMsrpUri,
  type MsrpFrame,
  MsrpFramer,
  type MsrpMessage,
  MsrpParseError,
  type MsrpRequest,
  type MsrpResponse,
  type MsrpUri,
  parseMsrpMessage,
  parseMsrpUri,
  serializeMsrpMessage,
  unwrapCpim,
} from "../src/index.js";
import { RFC_SAMPLES } from "../src/testing/index.js";
import { concatWire, frameInPieces, messagesOf } from "./helpers.js";

const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

const ident = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.\-+%=]{3,31}$/);
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const host = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => `${l.join(".")}.example`),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join(".")),
);
const uri: fc.Arbitrary<MsrpUri> = fc
  .record({
    scheme: fc.constantFrom("msrp" as const, "msrps" as const),
    host,
    port: fc.integer({ min: 1, max: 65535 }),
    sessionId: fc.stringMatching(/^[A-Za-z0-9\-._~+=/]{1,24}$/),
    transport: fc.constantFrom("tcp", "ws"),
    params: fc.array(fc.record({ name: fc.constantFrom("foo", "x-y"), value: fc.constantFrom("1", "abc") }), {
      maxLength: 2,
    }),
  })
  .map((u) => u as MsrpUri);
const path = fc.array(uri, { minLength: 1, maxLength: 3 });
// Header values: printable UTF-8 without line breaks or surrounding blanks (those are not preserved).
const headerValue = fc
  .string({ unit: fc.constantFrom(..."abcXYZ019 ;=,<>@:/\"'é漢"), maxLength: 30 })
  .map((s) => s.trim());
const extension = fc.array(fc.record({ name: fc.stringMatching(/^X-[A-Za-z0-9-]{1,10}$/), value: headerValue }), {
  maxLength: 3,
});
const byteRange = fc.oneof(
  fc.record({
    start: fc.integer({ min: 1, max: 1000 }),
    end: fc.constant("*" as const),
    total: fc.constant("*" as const),
  }),
  fc.integer({ min: 1, max: 1000 }).chain((start) =>
    fc.integer({ min: start - 1, max: start + 1000 }).chain((end) =>
      fc.record({
        start: fc.constant(start),
        end: fc.constant(end),
        total: fc.integer({ min: end, max: end + 10 }),
      }),
    ),
  ),
);

const sendRequest: fc.Arbitrary<MsrpRequest> = fc
  .record({
    transactionId: ident,
    toPath: path,
    fromPath: path,
    messageId: ident,
    byteRange: fc.option(byteRange, { nil: undefined }),
    successReport: fc.option(fc.constantFrom("yes" as const, "no" as const), { nil: undefined }),
    failureReport: fc.option(fc.constantFrom("yes" as const, "no" as const, "partial" as const), { nil: undefined }),
    extensionHeaders: extension,
    body: fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
    contentType: fc.constantFrom("text/plain", "message/cpim", "application/octet-stream; x=1"),
    mimeHeaders: fc.array(
      fc.record({ name: fc.constantFrom("Content-ID", "Content-Disposition"), value: headerValue }),
      { maxLength: 2 },
    ),
    endFlag: fc.constantFrom("$" as const, "+" as const, "#" as const),
  })
  .map((r) => {
    const { body, contentType, mimeHeaders, byteRange: range, successReport, failureReport, ...rest } = r;
    return {
      kind: "request" as const,
      method: "SEND",
      ...rest,
      ...(range ? { byteRange: range } : {}),
      ...(successReport ? { successReport } : {}),
      ...(failureReport ? { failureReport } : {}),
      ...(body ? { body, contentType, mimeHeaders } : { mimeHeaders: [] }),
    };
  });

const reportRequest: fc.Arbitrary<MsrpRequest> = fc
  .record({
    transactionId: ident,
    toPath: path,
    fromPath: path,
    messageId: ident,
    byteRange,
    code: fc.integer({ min: 200, max: 599 }),
  })
  .map(({ code, ...r }) => ({
    kind: "request" as const,
    method: "REPORT",
    ...r,
    status: { namespace: "000", code, comment: "c" },
    extensionHeaders: [],
    mimeHeaders: [],
    endFlag: "$" as const,
  }));

const nicknameRequest: fc.Arbitrary<MsrpRequest> = fc
  .record({
    transactionId: ident,
    toPath: path,
    fromPath: path,
    useNickname: fc.string({ maxLength: 40 }).filter((s) => !hasControl(s)),
  })
  .map((r) => ({
    kind: "request" as const,
    method: "NICKNAME",
    ...r,
    extensionHeaders: [],
    mimeHeaders: [],
    endFlag: "$" as const,
  }));

const response: fc.Arbitrary<MsrpResponse> = fc
  .record({
    transactionId: ident,
    statusCode: fc.integer({ min: 100, max: 999 }),
    comment: fc.option(
      headerValue.filter((s) => s !== ""),
      { nil: undefined },
    ),
    toPath: path,
    fromPath: path,
    extensionHeaders: extension,
  })
  .map(({ comment, ...r }) => ({ kind: "response" as const, ...r, ...(comment !== undefined ? { comment } : {}) }));

const message: fc.Arbitrary<MsrpMessage> = fc.oneof(sendRequest, reportRequest, nicknameRequest, response);

/** Runs `fn` and fails the property if it throws anything but the allowed error class. */
function onlyThrows(errorClass: abstract new (...args: never[]) => Error, fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof errorClass)) throw error;
  }
}

describe("properties of parse and serialize (MSRP-FMT-01..10)", () => {
  it("parse(serialize(m)) equals m for SEND, REPORT, NICKNAME and responses", () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(parseMsrpMessage(serializeMsrpMessage(m))).toEqual(m);
      }),
      { numRuns: 400 },
    );
  });

  it("frames a stream of messages identically however it is split into reads", () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }),
        (ms, sizes) => {
          expect(messagesOf(frameInPieces(concatWire(ms), sizes))).toEqual(ms);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("URIs round-trip through formatMsrpUri and parseMsrpUri", () => {
    fc.assert(
      fc.property(uri, (u) => {
        expect(parseMsrpUri(formatMsrpUri(u))).toEqual(u);
      }),
      { numRuns: 300 },
    );
  });
});

describe("arbitrary input raises only the parser's own error", () => {
  const msrpish = fc.oneof(
    fc.uint8Array({ maxLength: 400 }),
    fc
      .tuple(ident, fc.uint8Array({ maxLength: 300 }))
      .map(([tid, tail]) => Buffer.concat([Buffer.from(`MSRP ${tid} SEND\r\n`), tail])),
    fc.tuple(fc.constantFrom(...RFC_SAMPLES), fc.uint8Array({ maxLength: 60 }), fc.nat()).map(([s, junk, at]) => {
      const b = Buffer.from(s);
      const i = at % b.length;
      return Buffer.concat([b.subarray(0, i), junk, b.subarray(i)]);
    }),
  );

  it("MsrpFramer throws only MsrpParseError and returns after every push", () => {
    fc.assert(
      fc.property(msrpish, fc.integer({ min: 1, max: 50 }), (bytes, step) => {
        const framer = new MsrpFramer({ maxHeaderBytes: 256, maxChunkBytes: 128 });
        onlyThrows(MsrpParseError, () => {
          for (let i = 0; i < bytes.length; i += step) framer.push(bytes.subarray(i, i + step));
        });
        expect(framer.bufferedBytes).toBeLessThanOrEqual(256 + 128 + 64);
      }),
      { numRuns: 600 },
    );
  });

  it("parseMsrpMessage and parseMsrpUri throw only MsrpParseError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        onlyThrows(MsrpParseError, () => parseMsrpMessage(s));
        onlyThrows(MsrpParseError, () => parseMsrpUri(s));
        onlyThrows(MsrpParseError, () => parseMsrpUri(`msrp://${s}`));
      }),
      { numRuns: 500 },
    );
  });

  it("unwrapCpim throws only CpimParseError", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom("F", "r", "o", "m", ":", " ", "<", ">", "\r", "\n", "a", ";"),
          maxLength: 80,
        }),
        (s) => {
          onlyThrows(CpimParseError, () => unwrapCpim(Buffer.from(s)));
        },
      ),
      { numRuns: 400 },
    );
  });
});

/** mulberry32: a small seeded PRNG so the mutation loop is reproducible. */
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

function mutate(input: Buffer, random: () => number): Buffer {
  const pick = (n: number) => Math.floor(random() * n);
  let b = input;
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = pick(b.length + 1);
    switch (pick(6)) {
      case 0: {
        const copy = Buffer.from(b);
        if (copy.length > 0) copy[Math.min(at, copy.length - 1)] = pick(256);
        b = copy;
        break;
      }
      case 1:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + pick(20)))]);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + pick(40)), b.subarray(at)]);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at), Buffer.from("\r\n"), b.subarray(at)]);
        break;
      case 4:
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from(`\r\n-------${["d93kswow", "a786hjs2", "x"][pick(3)]}${"$+#!"[pick(4)]}\r\n`),
          b.subarray(at),
        ]);
        break;
      default:
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from(Array.from({ length: 1 + pick(8) }, () => pick(256))),
          b.subarray(at),
        ]);
    }
  }
  return b;
}

describe("seeded mutation fuzz over the RFC 4975 samples", () => {
  it("never throws anything but MsrpParseError, and every message it yields re-serializes consistently", () => {
    const random = prng(0x4975);
    let messages = 0;
    let rejected = 0;
    let fatal = 0;
    for (let i = 0; i < 3000; i++) {
      const sample = Buffer.from(RFC_SAMPLES[Math.floor(random() * RFC_SAMPLES.length)] as string);
      const input = Buffer.concat([mutate(sample, random), Buffer.from(RFC_SAMPLES[0] as string)]);
      const framer = new MsrpFramer({ maxHeaderBytes: 1024, maxChunkBytes: 1024 });
      const frames: MsrpFrame[] = [];
      try {
        const step = 1 + Math.floor(random() * 64);
        for (let o = 0; o < input.length; o += step) frames.push(...framer.push(input.subarray(o, o + step)));
      } catch (error) {
        expect(error).toBeInstanceOf(MsrpParseError);
        fatal++;
      }
      for (const f of frames) {
        if (f.kind === "rejected") {
          expect(f.error).toBeInstanceOf(MsrpParseError);
          rejected++;
          continue;
        }
        messages++;
        expect(parseMsrpMessage(serializeMsrpMessage(f.message))).toEqual(f.message);
      }
    }
    // The loop exercises all three outcomes, so it is not silently testing nothing.
    expect(messages).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(50);
    expect(fatal).toBeGreaterThan(50);
  });
});

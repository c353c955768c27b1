import { describe, expect, it } from "vitest";
import {
  buildErrorResponse,
  type MsrpFrame,
  MsrpFramer,
  MsrpParseError,
  type MsrpRequest,
  parseMsrpMessage,
  serializeMsrpMessage,
} from "../src/index.js";
import { FIG2_SEND, FIG3_CHUNK1, FIG17_REPORT, RFC_SAMPLES, S11_1_200_BOB } from "../src/testing/index.js";
import { frameInPieces, messagesOf, text } from "./helpers.js";

const TO = "To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp";
const FROM = "From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp";
const wire = (...lines: string[]) => Buffer.from(`${lines.join("\r\n")}\r\n`, "utf8");
const send = (tid: string, body: string, flag = "$") =>
  wire(
    `MSRP ${tid} SEND`,
    TO,
    FROM,
    "Message-ID: m1x2y3z4",
    "Content-Type: text/plain",
    "",
    body,
    `-------${tid}${flag}`,
  );
const STREAM = Buffer.from(RFC_SAMPLES.join(""), "utf8");

describe("MsrpFramer: partial reads and many frames per read (MSRP-FMT-10)", () => {
  const expected = RFC_SAMPLES.map((s) => parseMsrpMessage(s));

  it("frames the RFC samples fed one byte at a time", () => {
    expect(messagesOf(frameInPieces(STREAM, [1]))).toEqual(expected);
  });

  it("frames the RFC samples delivered in a single read", () => {
    expect(messagesOf(new MsrpFramer().push(STREAM))).toEqual(expected);
  });

  it.each([[[2, 3, 5, 7]], [[13]], [[64, 1]], [[1000]]])("frames the same messages for read sizes %j", (sizes) => {
    expect(messagesOf(frameInPieces(STREAM, sizes))).toEqual(expected);
  });

  it("reports each frame's byte length so the edge can account for traffic", () => {
    const frames = new MsrpFramer().push(STREAM);
    expect(frames.map((f) => f.byteLength)).toEqual(RFC_SAMPLES.map((s) => Buffer.byteLength(s)));
  });

  it("holds no bytes once every frame is complete", () => {
    const framer = new MsrpFramer();
    framer.push(STREAM.subarray(0, 100));
    expect(framer.isIdle).toBe(false);
    framer.push(STREAM.subarray(100));
    expect(framer.isIdle).toBe(true);
    expect(framer.bufferedBytes).toBe(0);
  });
});

describe("MsrpFramer: end-line look-alikes in the body (MSRP-FMT-06, RFC 4975 §7.1)", () => {
  const decoys = [
    "-------abcd1234$", // end-line of another transaction
    "-------t0k3nX$", // our id followed by more id characters
    "-------t0k3n!", // bad flag
    "-------t0k3n$ trailing", // flag not followed by CRLF
    "x-------t0k3n$", // not at the start of a line
    "--------t0k3n$", // eight dashes
  ];

  it.each(decoys)("keeps %j inside the body", (decoy) => {
    const body = `line one\r\n${decoy}\r\nline three`;
    const [message] = messagesOf(new MsrpFramer().push(send("t0k3n", body)));
    expect(text((message as MsrpRequest).body ?? new Uint8Array())).toBe(body);
  });

  it("keeps a fake end-line split across reads inside the body", () => {
    const body = "abc\r\n-------t0k3nQ\r\n-------t0k3n+x\r\nend";
    const frames = frameInPieces(send("t0k3n", body), [1, 2, 3]);
    expect(text((messagesOf(frames)[0] as MsrpRequest).body ?? new Uint8Array())).toBe(body);
  });

  it("refuses to serialize a body that contains its own end-line", () => {
    const m = parseMsrpMessage(send("t0k3n", "hello"));
    const forged = { ...(m as MsrpRequest), body: Buffer.from("a\r\n-------t0k3n$\r\nb") };
    expect(() => serializeMsrpMessage(forged)).toThrowError(/end-line/);
  });
});

describe("MsrpFramer: flags and body forms (MSRP-FMT-04, MSRP-FMT-05)", () => {
  it.each([["$"], ["+"], ["#"]])("reads end flag %s", (flag) => {
    const [m] = messagesOf(new MsrpFramer().push(send("abcd", "x", flag)));
    expect((m as MsrpRequest).endFlag).toBe(flag);
  });

  it("tells a bodiless SEND from a SEND with an empty body", () => {
    const bodiless = wire("MSRP b7Qw2m SEND", TO, FROM, "Message-ID: m0000a", "Byte-Range: 1-0/0", "-------b7Qw2m$");
    const empty = wire(
      "MSRP b7Qw2n SEND",
      TO,
      FROM,
      "Message-ID: m0000b",
      "Content-Type: text/plain",
      "",
      "",
      "-------b7Qw2n$",
    );
    const [a, b] = messagesOf(new MsrpFramer().push(Buffer.concat([bodiless, empty]))) as MsrpRequest[];
    expect(a?.body).toBeUndefined();
    expect(a?.contentType).toBeUndefined();
    expect(b?.body).toEqual(new Uint8Array(0));
    expect(b?.contentType).toBe("text/plain");
  });

  it("rejects a response that ends with + (responses always end with $)", () => {
    const bad = Buffer.from(S11_1_200_BOB.replace("-------d93kswow$", "-------d93kswow+"));
    const [frame] = new MsrpFramer().push(bad);
    expect(frame?.kind).toBe("rejected");
  });
});

describe("MsrpFramer: malformed frames with a known transaction id (MSRP-RECV-01, RFC 4975 §10.2)", () => {
  const broken = wire(
    "MSRP bad0tx1 SEND",
    FROM,
    TO,
    "Message-ID: m1aaaa",
    "Content-Type: text/plain",
    "",
    "hi",
    "-------bad0tx1$",
  );

  it("rejects the frame with 400 and frames the next message normally", () => {
    const frames = new MsrpFramer().push(Buffer.concat([broken, Buffer.from(FIG2_SEND)]));
    expect(frames.map((f) => f.kind)).toEqual(["rejected", "message"]);
    const rejected = frames[0] as MsrpFrame & { kind: "rejected" };
    expect(rejected.error).toBeInstanceOf(MsrpParseError);
    expect(rejected.error).toMatchObject({
      code: "STOX_MSRP_PARSE",
      statusCode: 400,
      isFatal: false,
      transactionId: "bad0tx1",
    });
  });

  it("builds the 400 response when From-Path was readable", () => {
    const bad = wire(
      "MSRP bad0tx2 SEND",
      TO,
      FROM,
      "Message-ID: m1aaaa",
      "Byte-Range: 9-1/5",
      "Content-Type: text/plain",
      "",
      "hi",
      "-------bad0tx2$",
    );
    const [frame] = new MsrpFramer().push(bad);
    if (frame?.kind !== "rejected") throw new Error("expected rejection");
    const response = buildErrorResponse(frame.error);
    expect(response && text(serializeMsrpMessage(response))).toBe(
      wire(
        "MSRP bad0tx2 400 Bad Request",
        FROM.replace("From-Path", "To-Path"),
        TO.replace("To-Path", "From-Path"),
        "-------bad0tx2$",
      ).toString(),
    );
  });

  it.each([
    ["Content-Type not last", ["Message-ID: m1aaaa", "Content-Type: text/plain", "Content-ID: <x>"], /last header/],
    ["lower-case method", null, /method/],
    ["body without Content-Type", ["Message-ID: m1aaaa"], /requires Content-Type/],
    ["duplicate Message-ID", ["Message-ID: m1aaaa", "Message-ID: m2bbbb", "Content-Type: text/plain"], /repeated/],
    [
      "bad Failure-Report",
      ["Message-ID: m1aaaa", "Failure-Report: maybe", "Content-Type: text/plain"],
      /Failure-Report/,
    ],
    ["SEND without Message-ID", ["Content-Type: text/plain"], /Message-ID/],
    ["short Message-ID", ["Message-ID: m1", "Content-Type: text/plain"], /Message-ID/],
  ])("rejects %s with 400", (_name, headers, reason) => {
    const start = headers === null ? "MSRP lower1 send" : "MSRP lower1 SEND";
    const frame = wire(
      start,
      TO,
      FROM,
      ...(headers ?? ["Message-ID: m1aaaa", "Content-Type: text/plain"]),
      "",
      "x",
      "-------lower1$",
    );
    const frames = new MsrpFramer().push(Buffer.concat([frame, Buffer.from(FIG17_REPORT)]));
    expect(frames.map((f) => f.kind)).toEqual(["rejected", "message"]);
    expect(frames[0]?.kind === "rejected" && frames[0].error.statusCode).toBe(400);
    expect(frames[0]?.kind === "rejected" && frames[0].error.message).toMatch(reason);
  });
});

describe("MsrpFramer: memory limits (MSRP-FMT-10, RFC 4975 §14.5)", () => {
  it("rejects a chunk above maxChunkBytes with 413 while holding at most the limit", () => {
    const framer = new MsrpFramer({ maxChunkBytes: 1024 });
    const big = send("big0tx1", "x".repeat(50_000));
    let maxHeld = 0;
    const frames: MsrpFrame[] = [];
    for (let i = 0; i < big.length; i += 100) {
      frames.push(...framer.push(big.subarray(i, i + 100)));
      maxHeld = Math.max(maxHeld, framer.bufferedBytes);
    }
    frames.push(...framer.push(Buffer.from(FIG2_SEND)));
    expect(frames.map((f) => f.kind)).toEqual(["rejected", "message"]);
    expect(frames[0]?.kind === "rejected" && frames[0].error).toMatchObject({
      statusCode: 413,
      transactionId: "big0tx1",
    });
    expect(maxHeld).toBeLessThan(1024 + 512);
  });

  it("rejects a non-SEND body above 10240 bytes (MSRP-FMT-07)", () => {
    const report = wire(
      "MSRP rep0tx1 REPORT",
      TO,
      FROM,
      "Message-ID: m1aaaa",
      "Status: 000 200 OK",
      "Content-Type: text/plain",
      "",
      "y".repeat(10241),
      "-------rep0tx1$",
    );
    const [frame] = new MsrpFramer().push(report);
    expect(frame?.kind === "rejected" && frame.error.statusCode).toBe(413);
    const small = wire(
      "MSRP rep0tx2 REPORT",
      TO,
      FROM,
      "Message-ID: m1aaaa",
      "Status: 000 200 OK",
      "Content-Type: text/plain",
      "",
      "y".repeat(10240),
      "-------rep0tx2$",
    );
    expect(new MsrpFramer().push(small)[0]?.kind).toBe("message");
  });

  it("rejects a header block above maxHeaderBytes and recovers at the end-line", () => {
    const framer = new MsrpFramer({ maxHeaderBytes: 512 });
    const huge = wire(
      "MSRP hdr0tx1 SEND",
      TO,
      FROM,
      `X-Junk: ${"j".repeat(5000)}`,
      "Message-ID: m1aaaa",
      "-------hdr0tx1$",
    );
    const frames = [...framer.push(huge), ...framer.push(Buffer.from(FIG3_CHUNK1))];
    expect(frames.map((f) => f.kind)).toEqual(["rejected", "message"]);
    expect(framer.bufferedBytes).toBe(0);
  });

  it("throws a fatal error for a start line that never ends", () => {
    const framer = new MsrpFramer({ maxHeaderBytes: 256 });
    expect(() => framer.push(Buffer.from(`MSRP ${"a".repeat(400)}`))).toThrowError(MsrpParseError);
  });
});

describe("MsrpFramer: garbage (connection must be closed)", () => {
  it.each([["GET / HTTP/1.1\r\n"], ["\r\n"], ["msrp abcd SEND\r\n"], ["MSRP ab SEND\r\n"]])(
    "throws a fatal MsrpParseError for %j",
    (input) => {
      const framer = new MsrpFramer();
      let error: unknown;
      try {
        framer.push(Buffer.from(input));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(MsrpParseError);
      expect(error).toMatchObject({ isFatal: true, code: "STOX_MSRP_PARSE" });
      expect(() => framer.push(Buffer.from(FIG2_SEND))).toThrowError(MsrpParseError);
    },
  );

  it("reports the stream offset of garbage after valid frames", () => {
    const framer = new MsrpFramer();
    framer.push(Buffer.from(FIG2_SEND));
    expect(() => framer.push(Buffer.from("HELO\r\n"))).toThrowError(
      expect.objectContaining({ offset: Buffer.byteLength(FIG2_SEND) }),
    );
  });
});

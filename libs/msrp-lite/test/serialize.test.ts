import { describe, expect, it } from "vitest";
import {
  formatUseNickname,
  type MsrpRequest,
  MsrpSerializeError,
  parseMsrpMessage,
  parseMsrpUri,
  parseUseNickname,
  serializeMsrpHead,
  serializeMsrpMessage,
} from "../src/index.js";
import { text } from "./helpers.js";

const toPath = [parseMsrpUri("msrp://switch.example.org:9000/Rm7c2Yp4Hs9Xq1Vb;tcp")];
const fromPath = [parseMsrpUri("msrp://gw.example.net:2855/a8Hq3kPz0vX2mR7t;tcp")];
const base: MsrpRequest = {
  kind: "request",
  transactionId: "k2j8x1q",
  method: "SEND",
  toPath,
  fromPath,
  messageId: "m0001x",
  extensionHeaders: [],
  mimeHeaders: [],
  endFlag: "$",
};

// msrp.md §11.3 NICKNAME skeleton (RFC 7701 §7.1).
const NICKNAME_WIRE = [
  "MSRP nk4Zq1 NICKNAME",
  "To-Path: msrp://switch.example.org:9000/Rm7c2Yp4Hs9Xq1Vb;tcp",
  "From-Path: msrp://gw.example.net:2855/a8Hq3kPz0vX2mR7t;tcp",
  'Use-Nickname: "Ann"',
  "-------nk4Zq1$",
  "",
].join("\r\n");

describe("serializeMsrpMessage header layout (MSRP-FMT-02, MSRP-FMT-03, MSRP-FMT-04)", () => {
  it("writes paths first, extension and MIME headers next and Content-Type last, then blank line and body", () => {
    const wire = text(
      serializeMsrpMessage({
        ...base,
        byteRange: { start: 1, end: 5, total: 5 },
        failureReport: "partial",
        extensionHeaders: [{ name: "X-Trace", value: "abc" }],
        mimeHeaders: [{ name: "Content-Disposition", value: "inline" }],
        contentType: "text/plain",
        body: Buffer.from("hello"),
      }),
    );
    expect(wire).toBe(
      [
        "MSRP k2j8x1q SEND",
        "To-Path: msrp://switch.example.org:9000/Rm7c2Yp4Hs9Xq1Vb;tcp",
        "From-Path: msrp://gw.example.net:2855/a8Hq3kPz0vX2mR7t;tcp",
        "Message-ID: m0001x",
        "Byte-Range: 1-5/5",
        "Failure-Report: partial",
        "X-Trace: abc",
        "Content-Disposition: inline",
        "Content-Type: text/plain",
        "",
        "hello",
        "-------k2j8x1q$",
        "",
      ].join("\r\n"),
    );
  });

  it("writes a bodiless SEND with the end-line right after the last header (MSRP-CONN-03 binding SEND)", () => {
    const wire = text(serializeMsrpMessage({ ...base, byteRange: { start: 1, end: 0, total: 0 } }));
    expect(wire.endsWith("Byte-Range: 1-0/0\r\n-------k2j8x1q$\r\n")).toBe(true);
  });

  it("keeps unknown headers through parse and serialize (MSRP-FMT-08)", () => {
    const m = { ...base, extensionHeaders: [{ name: "X-Future", value: "1; a=b" }] };
    expect(parseMsrpMessage(serializeMsrpMessage(m))).toEqual(m);
  });

  it.each([
    ["Content-Type without body", { contentType: "text/plain" }],
    ["body without Content-Type", { body: new Uint8Array(1) }],
    ["MIME headers without body", { mimeHeaders: [{ name: "Content-ID", value: "<a>" }] }],
    ["a line break in a header", { extensionHeaders: [{ name: "X-A", value: "a\r\nb" }] }],
    ["a short transaction id", { transactionId: "abc" }],
    ["a lower-case method", { method: "send" }],
    ["a known header smuggled in as an extension", { extensionHeaders: [{ name: "Message-ID", value: "zzzz1" }] }],
    [
      "a non-MIME header among the MIME headers",
      { body: new Uint8Array(1), contentType: "text/plain", mimeHeaders: [{ name: "X-A", value: "1" }] },
    ],
    ["a bad Content-Type", { body: new Uint8Array(1), contentType: "text" }],
    ["an impossible Byte-Range", { byteRange: { start: 0, end: 5, total: 5 } }],
    ["a Status with a 2-digit namespace", { method: "REPORT", status: { namespace: "00", code: 200 } }],
  ])("refuses %s", (_why, patch) => {
    expect(() => serializeMsrpMessage({ ...base, ...patch } as MsrpRequest)).toThrowError(MsrpSerializeError);
  });

  it("exposes the head alone for edges that stream a chunk body", () => {
    const head = serializeMsrpHead({ ...base, contentType: "text/plain", body: new Uint8Array(0) });
    expect(head.endsWith("Content-Type: text/plain\r\n\r\n")).toBe(true);
  });
});

describe("NICKNAME (RFC 7701 §7; MSRP-NICK-01..03)", () => {
  it("parses the Use-Nickname request and writes it back byte for byte", () => {
    const m = parseMsrpMessage(NICKNAME_WIRE);
    expect(m).toMatchObject({ method: "NICKNAME", useNickname: "Ann" });
    expect(text(serializeMsrpMessage(m))).toBe(NICKNAME_WIRE);
  });

  it("accepts the empty nickname that removes it (MSRP-NICK-03)", () => {
    expect(parseMsrpMessage(NICKNAME_WIRE.replace('"Ann"', '""'))).toMatchObject({ useNickname: "" });
  });

  it.each([
    ["missing Use-Nickname", NICKNAME_WIRE.replace('Use-Nickname: "Ann"\r\n', "")],
    ["report headers", NICKNAME_WIRE.replace('Use-Nickname: "Ann"', 'Use-Nickname: "Ann"\r\nSuccess-Report: yes')],
    ["an unquoted nickname", NICKNAME_WIRE.replace('"Ann"', "Ann")],
  ])("rejects a NICKNAME with %s (MSRP-NICK-02)", (_why, wire) => {
    expect(() => parseMsrpMessage(wire)).toThrowError(/NICKNAME|Use-Nickname/);
  });

  it.each([["plain"], ['with "quotes"'], ["back\\slash"], ["ünïcödé 名前"]])("escapes and unescapes %j", (nick) => {
    expect(parseUseNickname(formatUseNickname(nick))).toBe(nick);
  });

  it("limits the nickname to 1023 octets", () => {
    expect(parseUseNickname(`"${"a".repeat(1023)}"`)).toBe("a".repeat(1023));
    expect(parseUseNickname(`"${"a".repeat(1024)}"`)).toEqual({ reason: expect.stringMatching(/1023/) });
  });
});

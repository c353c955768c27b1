import { createRequest } from "@stox/sip-parser";
import { describe, expect, it } from "vitest";
import { bodyFields } from "../src/event-mapping.js";

function withBody(body: Buffer) {
  return createRequest({
    method: "MESSAGE",
    uri: "sip:bob@example.com",
    headers: [["Content-Type", "text/plain;charset=utf-8"]],
    body,
  });
}

const decoder = new TextDecoder("utf-8", { fatal: true });

describe("bodyFields: a SIP body as event fields", () => {
  it.each([
    ["ASCII", Buffer.from("hello")],
    ["multi-byte UTF-8", Buffer.from("héllo wörld ✓ 😀")],
    ["a leading BOM (dropped, as TextDecoder does)", Buffer.from("\uFEFFhello")],
    ["a first character encoded from 0xEF that is not a BOM", Buffer.from("\uF000x")],
  ])("gives UTF-8 text for %s", (_, bytes) => {
    expect(bodyFields(withBody(bytes))).toEqual({
      contentType: "text/plain;charset=utf-8",
      body: decoder.decode(bytes),
      bodyEncoding: "utf8",
    });
  });

  it.each([
    ["a lone continuation byte", Buffer.from([0x68, 0x80, 0x69])],
    ["a UTF-16 surrogate encoded in UTF-8", Buffer.from([0xed, 0xa0, 0x80])],
    ["an overlong encoding", Buffer.from([0xc0, 0xaf])],
    ["a truncated BOM-like start", Buffer.from([0xef, 0xbb])],
  ])("gives base64 for %s", (_, bytes) => {
    expect(bodyFields(withBody(bytes))).toEqual({
      contentType: "text/plain;charset=utf-8",
      body: bytes.toString("base64"),
      bodyEncoding: "base64",
    });
  });

  it("gives no fields for an empty body", () => {
    expect(bodyFields(withBody(Buffer.alloc(0)))).toEqual({});
  });
});

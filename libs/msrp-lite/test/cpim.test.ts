import { describe, expect, it } from "vitest";
import {
  CpimParseError,
  chunkMessage,
  MessageReassembler,
  type MsrpRequest,
  parseMsrpUri,
  unwrapCpim,
  wrapCpim,
} from "../src/index.js";
import { text } from "./helpers.js";

// RFC 3862 §5.1 example (the CPIM part; the outer MIME header `Content-type: Message/CPIM` belongs to MSRP).
const RFC3862_EXAMPLE = [
  "From: MR SANDERS <im:piglet@100akerwood.com>",
  "To: Depressed Donkey <im:eeyore@100akerwood.com>",
  "DateTime: 2000-12-13T13:40:00-08:00",
  "Subject: the weather will be fine today",
  "Subject:;lang=fr beau temps prevu pour aujourd'hui",
  "NS: MyFeatures <mid:MessageFeatures@id.foo.com>",
  "Require: MyFeatures.VitalMessageOption",
  "MyFeatures.VitalMessageOption: Confirmation-requested",
  "MyFeatures.WackyMessageOption: Use-silly-font",
  "",
  "Content-type: text/xml; charset=utf-8",
  "Content-ID: <1234567890@foo.com>",
  "",
  "<body>",
  "Here is the text of my message.",
  "</body>",
].join("\r\n");

describe("unwrapCpim (RFC 3862 §2, §3; MSRP-CPIM-02, MSRP-CPIM-03)", () => {
  const cpim = unwrapCpim(Buffer.from(RFC3862_EXAMPLE));

  it("reads From, To and DateTime of the RFC 3862 §5.1 example", () => {
    expect(cpim.from).toEqual({ displayName: "MR SANDERS", uri: "im:piglet@100akerwood.com" });
    expect(cpim.to).toEqual([{ displayName: "Depressed Donkey", uri: "im:eeyore@100akerwood.com" }]);
    expect(cpim.dateTime).toBe("2000-12-13T13:40:00-08:00");
  });

  it("reads both Subjects with their languages, NS and Require", () => {
    expect(cpim.subjects).toEqual([
      { text: "the weather will be fine today" },
      { text: "beau temps prevu pour aujourd'hui", lang: "fr" },
    ]);
    expect(cpim.ns).toEqual([{ prefix: "MyFeatures", uri: "mid:MessageFeatures@id.foo.com" }]);
    expect(cpim.require).toEqual(["MyFeatures.VitalMessageOption"]);
  });

  it("keeps every CPIM header in order, extension headers included (MSRP-CPIM-03)", () => {
    expect(cpim.headers.map((h) => h.name)).toEqual([
      "From",
      "To",
      "DateTime",
      "Subject",
      "Subject",
      "NS",
      "Require",
      "MyFeatures.VitalMessageOption",
      "MyFeatures.WackyMessageOption",
    ]);
  });

  it("reads the encapsulated part's MIME headers and content", () => {
    expect(cpim.contentType).toBe("text/xml; charset=utf-8");
    expect(cpim.contentHeaders).toContainEqual({ name: "Content-ID", value: "<1234567890@foo.com>" });
    expect(text(cpim.body)).toBe("<body>\r\nHere is the text of my message.\r\n</body>");
  });

  it("treats header names case-sensitively: `from` is not From (MSRP-CPIM-02)", () => {
    const lower = unwrapCpim(Buffer.from("from: <sip:a@b>\r\nTo: <sip:c@d>\r\n\r\nContent-Type: text/plain\r\n\r\nx"));
    expect(lower.from).toBeUndefined();
    expect(lower.headers[0]?.name).toBe("from");
  });

  it.each([
    ["no blank line after the CPIM headers", "From: <sip:a@b>\r\nContent-Type: text/plain\r\n"],
    ["no Content-Type in the inner part", "From: <sip:a@b>\r\n\r\nContent-ID: <x>\r\n\r\nbody"],
    ["two From headers", "From: <sip:a@b>\r\nFrom: <sip:c@d>\r\n\r\nContent-Type: text/plain\r\n\r\nx"],
    ["an address without angle brackets", "From: sip:a@b\r\n\r\nContent-Type: text/plain\r\n\r\nx"],
    ["a header without the space after the colon", "From:<sip:a@b>\r\n\r\nContent-Type: text/plain\r\n\r\nx"],
  ])("rejects %s with CpimParseError", (_why, input) => {
    expect(() => unwrapCpim(Buffer.from(input))).toThrowError(CpimParseError);
  });

  it("rejects the RFC 4975 §11.4 CPIM body, which lacks the blank line before the inner Content-Type", () => {
    const body =
      "To: Bob <sip:bob@example.com>\r\nFrom: Alice <sip:alice@example.com>\r\nDateTime: 2006-05-15T15:02:31-03:00\r\nContent-Type: text/plain\r\n\r\nABCD1234567890";
    expect(() => unwrapCpim(Buffer.from(body))).toThrowError(/not terminated by a blank line/);
  });
});

describe("wrapCpim (RFC 3862, RFC 4975 §13; MSRP-CPIM-01, MSRP-CPIM-04, MSRP-SEND-03)", () => {
  it("writes the layout of RFC 3862 with From, To, DateTime and the inner part", () => {
    const wrapped = wrapCpim({
      from: { displayName: "Ann", uri: "sip:ann@xmpp.example" },
      to: { uri: "sip:lobby@conf.example.org" },
      dateTime: new Date("2025-03-01T09:30:00Z"),
      contentType: "text/plain; charset=UTF-8",
      body: "the actual text",
    });
    expect(text(wrapped)).toBe(
      "From: Ann <sip:ann@xmpp.example>\r\nTo: <sip:lobby@conf.example.org>\r\nDateTime: 2025-03-01T09:30:00.000Z\r\n\r\n" +
        "Content-Type: text/plain; charset=UTF-8\r\n\r\nthe actual text",
    );
  });

  it("round-trips names that need quoting, several To, cc, NS, Subject, Require and binary content", () => {
    const body = Uint8Array.from([0, 1, 2, 13, 10, 13, 10, 255]);
    const wrapped = wrapCpim({
      ns: [{ prefix: "Ext", uri: "urn:example:ext" }],
      from: { displayName: 'Ann "the" <Admin>', uri: "sip:ann@example.com" },
      to: [{ uri: "sip:b@example.com" }, { displayName: "Carl", uri: "sip:c@example.com" }],
      cc: [{ uri: "sip:d@example.com" }],
      subject: { lang: "fr", text: "bonjour" },
      require: ["Ext.Flag"],
      extraHeaders: [{ name: "Ext.Flag", value: "on" }],
      contentType: "application/octet-stream",
      contentHeaders: [{ name: "Content-Disposition", value: "inline" }],
      body,
    });
    const cpim = unwrapCpim(wrapped);
    expect(cpim.from).toEqual({ displayName: 'Ann "the" <Admin>', uri: "sip:ann@example.com" });
    expect(cpim.to.map((a) => a.uri)).toEqual(["sip:b@example.com", "sip:c@example.com"]);
    expect(cpim.cc).toEqual([{ uri: "sip:d@example.com" }]);
    expect(cpim.subjects).toEqual([{ lang: "fr", text: "bonjour" }]);
    expect(cpim.ns).toEqual([{ prefix: "Ext", uri: "urn:example:ext" }]);
    expect(cpim.require).toEqual(["Ext.Flag"]);
    expect(cpim.contentHeaders).toEqual([
      { name: "Content-Disposition", value: "inline" },
      { name: "Content-Type", value: "application/octet-stream" },
    ]);
    expect(cpim.body).toEqual(body);
  });

  it("is wrapped first and then chunked; the reassembled body unwraps (MSRP-SEND-03, MSRP-CPIM-06)", () => {
    const wrapped = wrapCpim({
      from: { uri: "sip:a@x" },
      to: { uri: "sip:b@y" },
      contentType: "text/plain",
      body: "z".repeat(300),
    });
    const path = [parseMsrpUri("msrp://h.example:1/s1;tcp")];
    const chunks = chunkMessage({
      toPath: path,
      fromPath: path,
      contentType: "message/cpim",
      body: wrapped,
      chunkBytes: 40,
    });
    const reassembler = new MessageReassembler();
    const last = chunks.map((c: MsrpRequest) => reassembler.accept(c)).at(-1);
    if (last?.status !== "complete") throw new Error("incomplete");
    expect(text(unwrapCpim(last.message.body).body)).toBe("z".repeat(300));
  });

  it("refuses header values with line breaks", () => {
    expect(() =>
      wrapCpim({ from: { uri: "sip:a@x\r\nEvil: 1" }, to: { uri: "sip:b@y" }, contentType: "text/plain", body: "" }),
    ).toThrowError(RangeError);
  });
});

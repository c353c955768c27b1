import { describe, expect, it } from "vitest";
import {
  answerSend,
  buildResponse,
  buildSuccessReport,
  MessageReassembler,
  type MsrpRequest,
  parseMsrpMessage,
  respondTo,
  serializeMsrpMessage,
} from "../src/index.js";
import {
  FIG2_200,
  FIG2_SEND,
  FIG3_CHUNK1,
  FIG3_CHUNK2,
  FIG14_CPIM_CHUNK1,
  FIG15_CPIM_CHUNK2,
  FIG16_SEND,
  FIG17_REPORT,
  S11_1_200_ALICE,
  S11_1_200_BOB,
  S11_1_SEND_ALICE,
  S11_1_SEND_BOB,
  S11_5_SYSTEM,
} from "../src/testing/index.js";
import { text } from "./helpers.js";

const request = (wire: string): MsrpRequest => {
  const m = parseMsrpMessage(wire);
  if (m.kind !== "request") throw new Error("expected a request");
  return m;
};

describe("RFC 4975 §4 Figure 2: SEND and 200 (MSRP-FMT-02, MSRP-FMT-03, MSRP-RESP-01)", () => {
  it("parses Alice's SEND into its fields", () => {
    const send = request(FIG2_SEND);
    expect(send).toMatchObject({
      transactionId: "a786hjs2",
      method: "SEND",
      messageId: "87652491",
      byteRange: { start: 1, end: 25, total: 25 },
      contentType: "text/plain",
      endFlag: "$",
    });
    expect(send.toPath[0]).toMatchObject({ host: "biloxi.example.com", port: 12763, sessionId: "kjhd37s2s20w2a" });
    expect(text(send.body ?? new Uint8Array())).toBe("Hey Bob, are you there?");
  });

  it("serializes the parsed SEND back to the RFC's bytes", () => {
    expect(text(serializeMsrpMessage(request(FIG2_SEND)))).toBe(FIG2_SEND);
  });

  it("builds Bob's 200 byte for byte from the SEND (MSRP-RESP-01)", () => {
    expect(text(serializeMsrpMessage(buildResponse(request(FIG2_SEND), 200)))).toBe(FIG2_200);
  });

  it("parses the 200 as a response with no headers beyond the paths (msrp.md §15 note 1)", () => {
    expect(parseMsrpMessage(FIG2_200)).toMatchObject({
      kind: "response",
      transactionId: "a786hjs2",
      statusCode: 200,
      comment: "OK",
    });
  });
});

describe("RFC 4975 §11.1 basic IM session (MSRP-RESP-01, MSRP-RECV-02)", () => {
  it.each([
    ["Alice's SEND → Bob's 200", S11_1_SEND_ALICE, S11_1_200_BOB],
    ["Bob's SEND → Alice's 200", S11_1_SEND_BOB, S11_1_200_ALICE],
  ])("%s", (_name, send, expected) => {
    const replies = answerSend(request(send), 200, { messageBytes: request(send).body?.length ?? 0 });
    expect(replies.reports).toEqual([]); // no Success-Report: yes
    expect(text(serializeMsrpMessage(replies.response ?? buildResponse(request(send), 500)))).toBe(expected);
  });

  it("delivers each single-chunk SEND as a complete message", () => {
    const r = new MessageReassembler();
    const result = r.accept(request(S11_1_SEND_ALICE));
    expect(result.status).toBe("complete");
    if (result.status === "complete") expect(text(result.message.body)).toBe("Hi, I'm Alice!");
  });
});

describe("RFC 4975 §5.1 Figure 3 chunked message (MSRP-CHUNK-01, MSRP-CHUNK-02, MSRP-RECV-02)", () => {
  it("reads the interruptible first chunk with range-end *", () => {
    expect(request(FIG3_CHUNK1)).toMatchObject({ byteRange: { start: 1, end: "*", total: 8 }, endFlag: "+" });
  });

  it("reassembles abcdEFGH from the two chunks", () => {
    const r = new MessageReassembler();
    expect(r.accept(request(FIG3_CHUNK1))).toMatchObject({ status: "partial", receivedBytes: 4, totalBytes: 8 });
    const done = r.accept(request(FIG3_CHUNK2));
    expect(done.status).toBe("complete");
    if (done.status === "complete") expect(text(done.message.body)).toBe("abcdEFGH");
  });

  it("reassembles the same message when the $ chunk arrives first (MSRP-RECV-04)", () => {
    const r = new MessageReassembler();
    expect(r.accept(request(FIG3_CHUNK2)).status).toBe("partial");
    const done = r.accept(request(FIG3_CHUNK1));
    expect(done.status === "complete" && text(done.message.body)).toBe("abcdEFGH");
  });
});

describe("RFC 4975 §11.4 chunked message/cpim (MSRP-CPIM-06, MSRP-RECV-03)", () => {
  it("keeps Content-Type and Byte-Range of the whole CPIM message in both chunks", () => {
    expect(request(FIG14_CPIM_CHUNK1)).toMatchObject({
      contentType: "message/cpim",
      byteRange: { start: 1, end: 137, total: 148 },
    });
    expect(request(FIG15_CPIM_CHUNK2)).toMatchObject({
      contentType: "message/cpim",
      byteRange: { start: 138, end: 148, total: 148 },
    });
  });

  it("reassembles the CPIM body; the $ chunk's real end fixes the total (the RFC's 148 counts one byte too many)", () => {
    const r = new MessageReassembler();
    r.accept(request(FIG14_CPIM_CHUNK1));
    const done = r.accept(request(FIG15_CPIM_CHUNK2));
    expect(done.status).toBe("complete");
    if (done.status !== "complete") return;
    expect(done.message.body.length).toBe(147);
    expect(text(done.message.body)).toMatch(/^To: Bob <sip:bob@example.com>\r\n[\s\S]*ABCD1234567890$/);
  });
});

describe("RFC 4975 §11.5 system message (MSRP-RESP-01, §5.3 report rules)", () => {
  it("parses both report headers as no", () => {
    expect(request(S11_5_SYSTEM)).toMatchObject({ failureReport: "no", successReport: "no" });
  });

  it("sends neither a response nor a report", () => {
    const send = request(S11_5_SYSTEM);
    expect(respondTo(send, 200)).toBeUndefined();
    expect(respondTo(send, 415)).toBeUndefined();
    expect(answerSend(send, 200, { messageBytes: 37 })).toEqual({ reports: [] });
  });

  it("round-trips through serialize + parse (header order becomes Success-Report first)", () => {
    const send = request(S11_5_SYSTEM);
    expect(parseMsrpMessage(serializeMsrpMessage(send))).toEqual(send);
  });
});

describe("RFC 4975 §11.6 positive report (MSRP-RPT-01, MSRP-RESP-03)", () => {
  it("parses the SEND asking for a success report and no failure report", () => {
    expect(request(FIG16_SEND)).toMatchObject({ successReport: "yes", failureReport: "no", contentType: "text/html" });
  });

  it("sends no 200 (Failure-Report: no) but builds Bob's REPORT byte for byte", () => {
    const send = request(FIG16_SEND);
    expect(respondTo(send, 200)).toBeUndefined();
    // The RFC reports 1-106/106 (its own count); we pass that range to reproduce the figure exactly.
    const report = buildSuccessReport(send, {
      transactionId: "dkei38sd",
      byteRange: { start: 1, end: 106, total: 106 },
    });
    expect(report && text(serializeMsrpMessage(report))).toBe(FIG17_REPORT);
  });

  it("parses the REPORT's Status and never answers it (MSRP-RESP-03)", () => {
    const report = request(FIG17_REPORT);
    expect(report.status).toEqual({ namespace: "000", code: 200, comment: "OK" });
    expect(respondTo(report, 200)).toBeUndefined();
    expect(respondTo(report, 400)).toBeUndefined();
  });
});

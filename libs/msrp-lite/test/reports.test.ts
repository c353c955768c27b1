import { describe, expect, it } from "vitest";
import {
  answerSend,
  buildErrorResponse,
  buildFailureReport,
  buildResponse,
  buildSuccessReport,
  MsrpFramer,
  type MsrpRequest,
  parseMsrpMessage,
  parseMsrpUri,
  receivedRange,
  respondTo,
  serializeMsrpMessage,
  shouldRespond,
} from "../src/index.js";
import { FIG2_SEND, FIG3_CHUNK2 } from "../src/testing/index.js";

const send = parseMsrpMessage(FIG2_SEND) as MsrpRequest;
const withReports = (success?: "yes" | "no", failure?: "yes" | "no" | "partial"): MsrpRequest => ({
  ...send,
  ...(success ? { successReport: success } : {}),
  ...(failure ? { failureReport: failure } : {}),
});

describe("when to answer (RFC 4975 §5.3, §7.2; msrp.md §6.1)", () => {
  it.each([
    ["SEND", undefined, 200, true],
    ["SEND", undefined, 415, true],
    ["SEND", "yes", 200, true],
    ["SEND", "partial", 200, false],
    ["SEND", "partial", 413, true],
    ["SEND", "no", 200, false],
    ["SEND", "no", 481, false],
    ["REPORT", undefined, 200, false], // MSRP-RESP-03
    ["NICKNAME", undefined, 425, true],
  ] as const)("%s with Failure-Report %s and status %i → %s", (method, failure, status, expected) => {
    expect(shouldRespond(method, failure, status)).toBe(expected);
  });
});

describe("transaction responses (MSRP-RESP-01)", () => {
  const relayed: MsrpRequest = {
    ...send,
    method: "NICKNAME",
    fromPath: [parseMsrpUri("msrps://relay.example.com:2855/r1;tcp"), ...send.fromPath],
  };

  it("answers a SEND to the previous hop only", () => {
    const viaRelay: MsrpRequest = { ...relayed, method: "SEND" };
    expect(buildResponse(viaRelay, 200).toPath).toEqual([viaRelay.fromPath[0]]);
  });

  it("answers other methods along the whole From-Path", () => {
    expect(buildResponse(relayed, 200).toPath).toEqual(relayed.fromPath);
  });

  it("uses our own URI (the To-Path target, or the one given) as From-Path", () => {
    const local = parseMsrpUri("msrp://gw.example.net:2855/own1;tcp");
    expect(buildResponse(send, 200).fromPath).toEqual([send.toPath.at(-1)]);
    expect(buildResponse(send, 200, { localUri: local }).fromPath).toEqual([local]);
  });

  it("gives no response for a REPORT or Failure-Report: no", () => {
    expect(respondTo(withReports(undefined, "no"), 200)).toBeUndefined();
    expect(respondTo({ ...send, method: "REPORT" }, 400)).toBeUndefined();
  });

  it("builds a 501 for an unknown method (MSRP-FMT-08)", () => {
    const wire = FIG2_SEND.replace("a786hjs2 SEND", "a786hjs2 FROBNICATE");
    const request = parseMsrpMessage(wire) as MsrpRequest;
    expect(request.method).toBe("FROBNICATE");
    expect(buildResponse(request, 501)).toMatchObject({ statusCode: 501, comment: "Not Implemented" });
  });
});

describe("answers to parse errors", () => {
  it("answers 400 with the transaction id and paths the parser recovered", () => {
    const bad = Buffer.from(FIG2_SEND.replace("Byte-Range: 1-25/25", "Byte-Range: banana"));
    const [frame] = new MsrpFramer().push(bad);
    if (frame?.kind !== "rejected") throw new Error("expected rejection");
    expect(buildErrorResponse(frame.error)).toMatchObject({
      transactionId: "a786hjs2",
      statusCode: 400,
      toPath: send.fromPath,
      fromPath: send.toPath,
    });
  });

  it("stays silent when the broken SEND said Failure-Report: no", () => {
    const bad = Buffer.from(FIG2_SEND.replace("Byte-Range: 1-25/25", "Failure-Report: no\r\nByte-Range: 0-1/1"));
    const [frame] = new MsrpFramer().push(bad);
    if (frame?.kind !== "rejected") throw new Error("expected rejection");
    expect(frame.error.context.failureReport).toBe("no");
    expect(buildErrorResponse(frame.error)).toBeUndefined();
  });

  it("cannot answer when the From-Path itself is unreadable", () => {
    const bad = Buffer.from(FIG2_SEND.replace("From-Path: msrp://atlanta", "From-Path: http://atlanta"));
    const [frame] = new MsrpFramer().push(bad);
    if (frame?.kind !== "rejected") throw new Error("expected rejection");
    expect(frame.error.transactionId).toBe("a786hjs2");
    expect(buildErrorResponse(frame.error)).toBeUndefined();
  });
});

describe("REPORT generation (RFC 4975 §7.1.2–§7.1.4; MSRP-RPT-01..03)", () => {
  it("builds no success REPORT unless Success-Report: yes", () => {
    expect(buildSuccessReport(send)).toBeUndefined();
    expect(buildSuccessReport(withReports("no"))).toBeUndefined();
  });

  it("reports the bytes a chunk really carried", () => {
    const chunk = parseMsrpMessage(FIG3_CHUNK2) as MsrpRequest;
    const report = buildSuccessReport({ ...chunk, successReport: "yes" });
    expect(report).toMatchObject({
      method: "REPORT",
      toPath: chunk.fromPath,
      messageId: "4564dpWd",
      byteRange: { start: 5, end: 8, total: 8 },
      status: { namespace: "000", code: 200, comment: "OK" },
      endFlag: "$",
    });
    expect(report).not.toHaveProperty("successReport");
    expect(report).not.toHaveProperty("failureReport");
  });

  it("builds a failure REPORT with range-end computed from the received bytes", () => {
    const chunk: MsrpRequest = {
      ...(parseMsrpMessage(FIG3_CHUNK2) as MsrpRequest),
      byteRange: { start: 5, end: "*", total: 8 },
    };
    expect(buildFailureReport(chunk, 413, { receivedBytes: 2 })?.byteRange).toEqual({ start: 5, end: 6, total: 8 });
    expect(buildFailureReport({ ...chunk, failureReport: "no" }, 413)).toBeUndefined();
    expect(buildFailureReport({ ...chunk, failureReport: "partial" }, 413)?.status?.code).toBe(413);
  });

  it("computes a chunk's real range from its payload (MSRP-RECV-03)", () => {
    // The RFC's Figure 2 says 1-25/25 for 23 bytes of body.
    expect(receivedRange(send)).toEqual({ start: 1, end: 23, total: 25 });
  });

  it("answers a complete SEND that wants both reports with a 200 and one REPORT for the whole message", () => {
    const replies = answerSend(withReports("yes", "yes"), 200, { messageBytes: 23, transactionId: "rpt00001" });
    expect(replies.response?.statusCode).toBe(200);
    expect(replies.reports).toHaveLength(1);
    expect(replies.reports[0]?.byteRange).toEqual({ start: 1, end: 23, total: 23 });
    const wire = Buffer.from(serializeMsrpMessage(replies.reports[0] as MsrpRequest)).toString();
    expect(wire).toContain("Status: 000 200 OK\r\n-------rpt00001$\r\n");
  });

  it("answers an error with the response only, and nothing for partial success", () => {
    expect(answerSend(withReports("yes", "yes"), 415)).toMatchObject({ response: { statusCode: 415 }, reports: [] });
    expect(answerSend(withReports(undefined, "partial"), 200)).toEqual({ reports: [] });
  });
});

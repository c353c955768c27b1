import { describe, expect, it } from "vitest";
import {
  EventDecodeError,
  type MsrpMessageReceived,
  msrpInSubject,
  msrpMessageReceivedCodec,
  msrpOutSubject,
  msrpSessionOpenCodec,
  newEventId,
  nowIso,
} from "../src/index.js";

describe("msrp event codecs", () => {
  it("builds per-owner inbound and per-edge outbound subjects", () => {
    expect(msrpInSubject("chat-mapper", "send")).toBe("stox.v1.msrp.in.chat-mapper.send");
    expect(msrpOutSubject("edge-1", "nickname")).toBe("stox.v1.msrp.out.edge-1.nickname");
  });

  it("round-trips a received message event", () => {
    const event: MsrpMessageReceived = {
      v: 1,
      id: newEventId(),
      at: nowIso(),
      session: "s1",
      edge: "edge-1",
      context: { callId: "abc" },
      messageId: "87652491",
      contentType: "text/plain",
      mimeHeaders: [],
      bodyBytes: 23,
      body: "Hey Bob, are you there?",
      bodyEncoding: "utf8",
      isDuplicate: false,
      successReport: "no",
      failureReport: "yes",
    };
    expect(msrpMessageReceivedCodec.decode(msrpMessageReceivedCodec.encode(event))).toEqual(event);
  });

  it("rejects an owner that is not a subject token", () => {
    const bad = { v: 1, id: "x", at: nowIso(), owner: "Chat Mapper", role: "offerer" };
    expect(() => msrpSessionOpenCodec.decode(new TextEncoder().encode(JSON.stringify(bad)))).toThrow(EventDecodeError);
  });
});

import { describe, expect, it } from "vitest";
import { EventDecodeError, newEventId, nowIso, sipProvisionalReceivedCodec } from "../src/index.js";

describe("stox.v1.sip.out.provisional", () => {
  it("round-trips a 180 Ringing for a command", () => {
    const ev = {
      v: 1 as const,
      id: newEventId(),
      at: nowIso(),
      commandId: newEventId(),
      callId: "a84b4c76e66710@pc33.atlanta.example.com",
      status: 180,
      reason: "Ringing",
      headers: [["Contact", "<sip:bob@192.0.2.4>"]] as [string, string][],
    };
    expect(sipProvisionalReceivedCodec.decode(sipProvisionalReceivedCodec.encode(ev))).toEqual(ev);
  });

  it("refuses a final status", () => {
    const bad = { v: 1, id: "x", at: "y", commandId: "c", callId: "d", status: 200, reason: "OK", headers: [] };
    expect(() => sipProvisionalReceivedCodec.decode(new TextEncoder().encode(JSON.stringify(bad)))).toThrow(
      EventDecodeError,
    );
  });
});

describe("stox.v1.sip.out.cancel", () => {
  it("round-trips a cancel of a command", async () => {
    const { sipCancelCommandCodec } = await import("../src/index.js");
    const ev = { v: 1 as const, id: newEventId(), at: nowIso(), commandId: newEventId() };
    expect(sipCancelCommandCodec.decode(sipCancelCommandCodec.encode(ev))).toEqual(ev);
  });
});

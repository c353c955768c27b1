import { describe, expect, it } from "vitest";
import type { Source } from "../src/transport/types.js";
import { recordSource, responseDestination } from "../src/via-received.js";
import { request } from "./fixtures/messages.js";

const udp: Source = {
  protocol: "udp",
  remote: { address: "192.0.2.9", port: 40000 },
  local: { address: "127.0.0.1", port: 5060 },
};

describe("source address recording (RFC 3261 §18.2.1, RFC 3581)", () => {
  it("adds received when the sent-by host differs from the source address", () => {
    const r = request("MESSAGE");
    recordSource(r, udp);
    expect(r.via[0]?.received).toBe("192.0.2.9");
    expect(r.via[0]?.rport).toBeUndefined();
  });

  it("fills rport with the source port, and received, when the client asked for rport (RFC 3581 §4)", () => {
    const r = request("MESSAGE", { branch: "z9hG4bKx;rport" });
    recordSource(r, udp);
    expect(r.via[0]?.rport).toBe(40000);
    expect(r.via[0]?.received).toBe("192.0.2.9");
    expect(r.via[0]?.branch).toBe("z9hG4bKx");
  });

  it("keeps lower Via values untouched", () => {
    const r = request("MESSAGE", { extra: ["Via: SIP/2.0/TCP proxy.example:5060;branch=z9hG4bKlower"] });
    recordSource(r, udp);
    expect(r.via).toHaveLength(2);
    expect(r.via[1]?.host).toBe("proxy.example");
    expect(r.via[1]?.received).toBeUndefined();
  });

  it("sends UDP responses to the source port when rport was asked, else to the sent-by port", () => {
    const withRport = request("MESSAGE", { branch: "z9hG4bKx;rport" });
    recordSource(withRport, udp);
    expect(responseDestination(withRport, udp)).toEqual({ protocol: "udp", address: "192.0.2.9", port: 40000 });
    const plain = request("MESSAGE");
    recordSource(plain, udp);
    expect(responseDestination(plain, udp)).toEqual({ protocol: "udp", address: "192.0.2.9", port: 5060 });
  });

  it("sends stream responses back over the connection the request came on, else to the sent-by port (§18.2.2)", () => {
    const tcp: Source = { ...udp, protocol: "tcp", connectionId: "c1" };
    expect(responseDestination(request("MESSAGE"), tcp)).toEqual({
      protocol: "tcp",
      address: "192.0.2.9",
      port: 40000,
      connectionId: "c1",
      fallbackPort: 5060,
    });
  });
});

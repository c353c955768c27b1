import { describe, expect, it } from "vitest";
import { answerOptions, checkRequest, type RequestPolicy } from "../src/request-checks.js";
import { request } from "./fixtures/messages.js";

const policy: RequestPolicy = {
  allowedMethods: ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "MESSAGE"],
  supportedExtensions: ["path"],
  uriSchemes: ["sip", "sips", "tel"],
  maxBodyBytes: 100,
  ownSentBy: ["gw.example:5060"],
};

describe("request checks of a good SIP citizen (RFC 3261 §8.2)", () => {
  it("lets a plain MESSAGE through", () => {
    expect(checkRequest(request("MESSAGE"), policy)).toBeUndefined();
  });

  it("answers an unsupported method with 405 and Allow (§8.2.1)", () => {
    const r = checkRequest(request("REGISTER"), policy);
    expect(r?.status).toBe(405);
    expect(r?.header("allow")).toBe("INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE");
  });

  it("answers an unknown Require with 420 listing it in Unsupported (§8.2.2.3)", () => {
    const r = checkRequest(request("MESSAGE", { extra: ["Require: path, foo, 100rel"] }), policy);
    expect(r?.status).toBe(420);
    expect(r?.header("unsupported")).toBe("foo, 100rel");
  });

  it("does not apply Require to CANCEL (§8.2.2.3)", () => {
    expect(checkRequest(request("CANCEL", { extra: ["Require: foo"] }), policy)).toBeUndefined();
  });

  it("answers Max-Forwards 0 with 483 (§16.3, CORE-SEC-03), except OPTIONS", () => {
    expect(checkRequest(request("MESSAGE", { extra: [] }).setHeader("Max-Forwards", "0"), policy)?.status).toBe(483);
    expect(checkRequest(request("OPTIONS").setHeader("Max-Forwards", "0"), policy)).toBeUndefined();
  });

  it("answers a request that passed through this edge before with 482 (§16.3 loop detection, CORE-SEC-04)", () => {
    const r = request("MESSAGE", { extra: ["Via: SIP/2.0/UDP gw.example:5060;branch=z9hG4bKours"] });
    expect(checkRequest(r, policy)?.status).toBe(482);
  });

  it("answers an unsupported Request-URI scheme with 416 (§8.2.2.1)", () => {
    expect(checkRequest(request("MESSAGE", { uri: "mailto:bob@example.com" }), policy)?.status).toBe(416);
  });

  it("answers a body over the limit with 413 (CORE-SEC-11)", () => {
    expect(checkRequest(request("MESSAGE", { body: "x".repeat(101) }), policy)?.status).toBe(413);
  });

  it("never answers an ACK", () => {
    expect(checkRequest(request("ACK", { extra: ["Require: foo"] }), policy)).toBeUndefined();
  });

  it("answers OPTIONS with Allow, Accept, Accept-Encoding, Accept-Language and Supported (§11.2)", () => {
    const r = answerOptions(request("OPTIONS"), {
      allowedMethods: ["OPTIONS", "MESSAGE"],
      accept: ["text/plain", "application/pidf+xml"],
      supportedExtensions: ["path"],
    });
    expect(r.status).toBe(200);
    expect(r.header("allow")).toBe("OPTIONS, MESSAGE");
    expect(r.header("accept")).toBe("text/plain, application/pidf+xml");
    expect(r.header("supported")).toBe("path");
    expect(r.header("accept-encoding")).toBe("identity");
    expect(r.header("accept-language")).toBe("en");
  });
});

import { describe, expect, it } from "vitest";
import { createErrorResponse, parseSipMessage, SipParseError, SipStreamFramer } from "../src/index.js";
import { torture } from "./fixtures/rfc4475.js";

function rejection(bytes: Buffer): SipParseError {
  try {
    parseSipMessage(bytes);
  } catch (e) {
    if (e instanceof SipParseError) return e;
    throw e;
  }
  throw new Error("message was accepted");
}

describe("RFC 4475 §3.1.2 invalid messages", () => {
  it.each([
    ["3.1.2.1", "badinv01", /Via: empty parameter name/],
    ["3.1.2.2", "clerr", /Content-Length 9999 exceeds/],
    ["3.1.2.3", "ncl", /Content-Length is not a number/],
    ["3.1.2.4", "scalar02", /CSeq.*larger than 4294967295/],
    ["3.1.2.6", "quotbal", /To: unterminated quoted-string/],
    ["3.1.2.7", "ltgtruri", /Request-URI/],
    ["3.1.2.8", "lwsruri", /whitespace in Request-Line/],
    ["3.1.2.9", "lwsstart", /more than one SP/],
    ["3.1.2.10", "trws", /whitespace in Request-Line/],
    ["3.1.2.11", "escruri", /headers are not allowed in a Request-URI/],
    ["3.1.2.13", "regbadct", /Contact: a URI with headers must be enclosed in <>/],
    ["3.1.2.14", "badaspec", /^To:/],
    ["3.1.2.15", "baddn", /^From:/],
    ["3.1.2.17", "mismatch01", /CSeq method INVITE does not match OPTIONS/],
  ])("§%s %s is rejected with 400 and enough context to answer", (_section, name, why) => {
    const err = rejection(torture(name));
    expect(err.code).toBe("STOX_SIP_PARSE");
    expect(err.status).toBe(400);
    expect(err.reason).toBe("Bad Request");
    expect(err.message).toMatch(why);
    expect(err.isAnswerable).toBe(true);
    const answer = createErrorResponse(err, "t1");
    expect(answer?.status).toBe(400);
    expect(answer?.header("call-id")).toBe(err.context?.callId);
    expect(answer?.header("to")).toMatch(/tag=/);
  });

  it("§3.1.2.5 scalarlg: a response with an overlarge CSeq is rejected and never answered", () => {
    const err = rejection(torture("scalarlg"));
    expect(err.message).toMatch(/CSeq/);
    expect(err.context?.statusCode).toBe(503);
    expect(err.isAnswerable).toBe(false);
    expect(createErrorResponse(err)).toBeUndefined();
  });

  it("§3.1.2.4 scalar02: Max-Forwards > 255 and Expires > 2**32-1 are flagged on access", () => {
    const m = parseSipMessage(torture("scalar02"), { validate: false });
    expect(() => m.maxForwards).toThrow(SipParseError);
    expect(() => m.expires).toThrow(/larger than 4294967295/);
    expect(() => m.cseq).toThrow(SipParseError);
  });

  it("§3.1.2.12 baddate: a non-GMT Date is accepted but flagged when the Date is read", () => {
    const m = parseSipMessage(torture("baddate"));
    expect(m.isRequest).toBe(true);
    expect(() => m.date).toThrow(SipParseError);
    expect(() => m.date).toThrow(/GMT/);
  });

  it("§3.1.2.16 badvers: SIP/7.0 suggests 505 Version Not Supported, answerable", () => {
    const err = rejection(torture("badvers"));
    expect(err.status).toBe(505);
    expect(err.reason).toBe("Version Not Supported");
    expect(err.context?.requestLine).toEqual({
      method: "OPTIONS",
      uri: "sip:t.watson@example.org",
      version: "SIP/7.0",
    });
    expect(err.isAnswerable).toBe(true);
    const answer = createErrorResponse(err, "abc");
    expect(answer?.status).toBe(505);
    expect(answer?.headerValues("via")).toEqual(["SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw"]);
    expect(answer?.header("to")).toBe("T. Watson <sip:t.watson@example.org>;tag=abc");
  });

  it("§3.1.2.18 mismatch02: an unknown method with a CSeq mismatch suggests 501", () => {
    const err = rejection(torture("mismatch02"));
    expect(err.status).toBe(501);
    expect(err.reason).toBe("Not Implemented");
    expect(err.isAnswerable).toBe(true);
  });

  it("§3.1.2.19 bigcode: a status code above 699 is rejected and never answered", () => {
    const err = rejection(torture("bigcode"));
    expect(err.message).toMatch(/Status-Code/);
    expect(err.isAnswerable).toBe(false);
  });

  it("§3.1.2.2 clerr: on a stream the framer waits for the missing body instead of cutting", () => {
    const framer = new SipStreamFramer();
    expect(framer.push(torture("clerr"))).toEqual([]);
    expect(framer.bufferedBytes).toBe(torture("clerr").length);
  });

  it("§3.1.2.3 ncl: on a stream a negative Content-Length is a fatal framing error", () => {
    const framer = new SipStreamFramer();
    expect(() => framer.push(torture("ncl"))).toThrow(SipParseError);
    expect(() => framer.push(Buffer.from("OPTIONS"))).toThrow(SipParseError);
  });
});

describe("RFC 4475 §3.2 transaction-layer semantics", () => {
  it("§3.2.1 badbranch: a bare magic cookie parses but is not an RFC 3261 branch", async () => {
    const { isRfc3261Branch } = await import("../src/index.js");
    const m = parseSipMessage(torture("badbranch"));
    expect(m.via[0]?.branch).toBe("z9hG4bK");
    expect(isRfc3261Branch(m.via[0]?.branch)).toBe(false);
    expect(isRfc3261Branch("z9hG4bKkdjuw")).toBe(true);
  });
});

describe("RFC 4475 §3.3 application-layer semantics", () => {
  it("§3.3.1 insuf: missing Call-ID, From and To give 400 without enough to answer", () => {
    const err = rejection(torture("insuf"));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/missing From/);
    expect(err.context?.cseq).toBe("193942 INVITE");
    expect(err.context?.via).toHaveLength(1);
    expect(err.isAnswerable).toBe(false);
  });

  it("§3.3.2 unkscm: an unknown Request-URI scheme parses (the application answers 416)", () => {
    const m = parseSipMessage(torture("unkscm"));
    expect(m.isRequest && m.requestUri).toEqual({
      scheme: "nobodyknowsthisscheme",
      rest: "totallyopaquecontent",
      raw: "nobodyKnowsThisScheme:totallyopaquecontent",
    });
  });

  it("§3.3.3 novelsc: a registered but atypical Request-URI scheme parses", () => {
    const m = parseSipMessage(torture("novelsc"));
    expect(m.isRequest && m.requestUri).toMatchObject({ scheme: "soap.beep", rest: "//192.0.2.103:3002" });
  });

  it("§3.3.4 unksm2: non-SIP schemes in To, From and Contact parse", () => {
    const m = parseSipMessage(torture("unksm2"));
    expect(m.to.uri).toMatchObject({ scheme: "isbn", rest: "2983792873" });
    expect(m.from.uri).toMatchObject({ scheme: "http", rest: "//www.example.com" });
    expect(m.contact[0]?.uri).toMatchObject({ scheme: "name", rest: "John_Smith" });
  });

  it("§3.3.5 bext01: Require and Proxy-Require option tags are listed", () => {
    const m = parseSipMessage(torture("bext01"));
    expect(m.tokenList("require")).toEqual(["nothingSupportsThis", "nothingSupportsThisEither"]);
    expect(m.tokenList("proxy-require")).toEqual(["noProxiesSupportThis", "norDoAnyProxiesSupportThis"]);
  });

  it("§3.3.6 invut: an unknown Content-Type parses with its body intact", () => {
    const m = parseSipMessage(torture("invut"));
    expect(m.contentType).toMatchObject({ type: "application", subtype: "unknownformat" });
    expect(m.body.toString()).toBe('<audio>\r\n <pcmu port="443"/>\r\n</audio>\r\n');
  });

  it("§3.3.7 regaut01: an unknown Authorization scheme is kept verbatim", () => {
    const m = parseSipMessage(torture("regaut01"));
    expect(m.header("authorization")).toBe("NoOneKnowsThisScheme opaque-data=here");
  });

  it("§3.3.8 multi01: repeated single-value headers give 400", () => {
    expect(rejection(torture("multi01")).status).toBe(400);
    // As rendered in the RFC text the body is 2 octets short of "l: 154"; with the length fixed
    // the duplicate headers are what the parser reports.
    const fixed = Buffer.concat([torture("multi01"), Buffer.from("\r\n")]);
    const err = rejection(fixed);
    expect(err.message).toMatch(/more than one/);
    expect(err.status).toBe(400);
  });

  it("§3.3.9 mcl01: conflicting Content-Length values are a framing error", () => {
    expect(rejection(torture("mcl01")).message).toMatch(/conflicting Content-Length/);
    expect(() => new SipStreamFramer().push(torture("mcl01"))).toThrow(/conflicting Content-Length/);
  });

  it("§3.3.10 bcast: a broadcast sent-by parses (dropping it is the proxy's call)", () => {
    const m = parseSipMessage(torture("bcast"));
    expect(m.via[1]?.host).toBe("255.255.255.255");
  });

  it("§3.3.11 zeromf: Max-Forwards of zero is legal", () => {
    expect(parseSipMessage(torture("zeromf")).maxForwards).toBe(0);
  });

  it("§3.3.12 cparam01: an unbracketed Contact's parameter is a contact-param, not a URI parameter", () => {
    const c = parseSipMessage(torture("cparam01")).contact[0];
    expect(c?.params).toEqual([{ name: "unknownparam", value: null }]);
    expect(c?.uri).toMatchObject({ params: [] });
  });

  it("§3.3.13 cparam02: a bracketed Contact's parameter is a URI parameter", () => {
    const c = parseSipMessage(torture("cparam02")).contact[0];
    expect(c?.params).toEqual([]);
    expect(c?.uri).toMatchObject({ params: [{ name: "unknownparam", value: null }] });
  });

  it("§3.3.14 regescrt: an escaped header inside a bracketed Contact URI is kept", () => {
    const c = parseSipMessage(torture("regescrt")).contact[0];
    expect(c?.uri).toMatchObject({ headers: [{ name: "Route", value: "%3Csip:sip.example.com%3E" }] });
  });

  it("§3.3.15 sdp01: an Accept without application/sdp parses", () => {
    expect(parseSipMessage(torture("sdp01")).header("accept")).toBe("text/nobodyKnowsThis");
  });
});

describe("RFC 4475 §3.4 backward compatibility", () => {
  it("§3.4.1 inv2543: no branch, no From tag, no Content-Length, no Max-Forwards", () => {
    const m = parseSipMessage(torture("inv2543"));
    expect(m.via[0]?.branch).toBeUndefined();
    expect(m.from.params).toEqual([]);
    expect(m.maxForwards).toBeUndefined();
    expect(m.body.toString()).toMatch(/^v=0\r\n[\s\S]*m=audio 49217 RTP\/AVP 0\r\n$/);
    expect(m.recordRoute[0]?.uri).toMatchObject({ params: [{ name: "maddr", value: "ss1.example.com" }] });
  });
});

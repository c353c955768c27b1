import { describe, expect, it } from "vitest";
import type { SipRequest } from "../src/index.js";
import {
  canonicalHeaderName,
  createErrorResponse,
  createRequest,
  createResponse,
  generateBranch,
  generateTag,
  parseMultipart,
  parseSipMessage,
  SipParseError,
  serializeSipMessage,
} from "../src/index.js";

const INVITE = [
  "INVITE sip:bob@biloxi.com SIP/2.0",
  "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;rport",
  "Via: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2",
  "Max-Forwards: 70",
  "To: Bob <sip:bob@biloxi.com>",
  "From: Alice <sip:alice@atlanta.com>;tag=1928301774",
  "Call-ID: a84b4c76e66710@pc33.atlanta.com",
  "CSeq: 314159 INVITE",
  "Record-Route: <sip:bigbox3.site3.atlanta.com;lr>",
  "Contact: <sip:alice@pc33.atlanta.com>",
  "X-Custom:  kept   as written ",
  "Content-Length: 0",
  "",
  "",
].join("\r\n");

function invite(): SipRequest {
  const m = parseSipMessage(INVITE);
  if (!m.isRequest) throw new Error("not a request");
  return m;
}

describe("RFC 3261 §7.3 headers", () => {
  it("looks headers up case-insensitively and by compact form (§7.3.1, §7.3.3)", () => {
    const m = invite();
    expect(m.header("CALL-ID")).toBe("a84b4c76e66710@pc33.atlanta.com");
    expect(m.header("i")).toBe("a84b4c76e66710@pc33.atlanta.com");
    expect(m.headerValues("v")).toHaveLength(2);
    expect(canonicalHeaderName("i")).toBe("Call-ID");
    expect(canonicalHeaderName("max-forwards")).toBe("Max-Forwards");
  });

  it.each([
    ["VIA", "via", true],
    ["v", "via", true],
    ["V", "via", true],
    ["vi", "via", false],
    ["viaa", "via", false],
    ["x-via", "via", false],
    ["mAx-FoRwArDs", "max-forwards", true],
    ["L", "content-length", true],
    ["content-lengt", "content-length", false],
    ["Content-Length2", "content-length", false],
    ["p-asserted-IDENTITY", "p-asserted-identity", true],
    ["subscription_state", "subscription-state", false],
    ["o", "event", true],
  ])("files a %s header line under %s exactly when the names match (§7.3.1, §7.3.3): %s", (name, key, isSame) => {
    const m = parseSipMessage(`OPTIONS sip:a@b SIP/2.0\r\n${name}: 0\r\n\r\n`, { validate: false });
    expect(m.header(name)).toBe("0");
    expect(m.hasHeader(key)).toBe(isSame);
    expect(m.headers[0]?.name).toBe(name);
  });

  it("reads Via branch, received and rport (RFC 3581)", () => {
    const [top, second] = invite().via;
    expect(top).toMatchObject({ branch: "z9hG4bK776asdhds", rport: null, received: undefined });
    expect(second).toMatchObject({ received: "192.0.2.2", rport: undefined });
  });

  it("keeps unknown header values (trimmed, inner spacing intact)", () => {
    expect(invite().header("x-custom")).toBe("kept   as written");
  });

  it("adds, replaces and removes headers and re-parses the changed values", () => {
    const m = invite();
    m.addHeader("Via", "SIP/2.0/TCP proxy.example.com;branch=z9hG4bKnew", "first");
    expect(m.via[0]?.host).toBe("proxy.example.com");
    m.setHeader("Max-Forwards", "69");
    expect(m.maxForwards).toBe(69);
    expect(m.removeHeader("x-custom")).toBe(1);
    expect(m.hasHeader("X-Custom")).toBe(false);
    expect(() => m.addHeader("Subject", "evil\r\nVia: injected")).toThrow(SipParseError);
  });

  it("rewrites Content-Length to the body length when serializing", () => {
    const m = invite();
    m.body = Buffer.from("hello");
    const again = parseSipMessage(serializeSipMessage(m));
    expect(again.header("content-length")).toBe("5");
    expect(again.body.toString()).toBe("hello");
  });
});

describe("building messages", () => {
  it("createResponse copies Via, From, To, Call-ID, CSeq and adds a To-tag (RFC 3261 §8.2.6.2)", () => {
    const r = createResponse(invite(), 180, { toTag: "a6c85cf" });
    expect(r.reason).toBe("Ringing");
    expect(r.headerValues("via")).toEqual(invite().headerValues("via"));
    expect(r.header("to")).toBe("Bob <sip:bob@biloxi.com>;tag=a6c85cf");
    expect(r.header("from")).toBe("Alice <sip:alice@atlanta.com>;tag=1928301774");
    expect(r.cseq).toEqual({ seq: 314159, method: "INVITE" });
    expect(r.headerValues("record-route")).toEqual(["<sip:bigbox3.site3.atlanta.com;lr>"]);
  });

  it("createResponse leaves an existing To-tag alone and adds none to 100 Trying", () => {
    const m = invite();
    m.setHeader("To", "Bob <sip:bob@biloxi.com>;tag=existing");
    expect(createResponse(m, 200).header("to")).toBe("Bob <sip:bob@biloxi.com>;tag=existing");
    expect(createResponse(invite(), 100).header("to")).toBe("Bob <sip:bob@biloxi.com>");
  });

  it("createRequest refuses header names and values that would break the wire format", () => {
    expect(() => createRequest({ method: "OPTIONS", uri: "sip:a@b", headers: [["Bad Name", "x"]] })).toThrow(
      SipParseError,
    );
    expect(() => createRequest({ method: "OPTIONS", uri: "sip:a@b", headers: [["X-A", "1\r\nVia: x"]] })).toThrow(
      SipParseError,
    );
    expect(() => createRequest({ method: "OPT IONS", uri: "sip:a@b" })).toThrow(SipParseError);
  });

  it("createRequest builds a message that serializes and parses", () => {
    const m = createRequest({
      method: "MESSAGE",
      uri: "sip:juliet@example.com",
      headers: [
        ["Via", "SIP/2.0/TCP h.example.org;branch=z9hG4bK1"],
        ["From", "<sip:romeo@example.org>;tag=1"],
        ["To", "<sip:juliet@example.com>"],
        ["Call-ID", "c1"],
        ["CSeq", "1 MESSAGE"],
        ["Content-Type", "text/plain;charset=UTF-8"],
      ],
      body: "¿Qué tal? 🌹",
    });
    const again = parseSipMessage(serializeSipMessage(m));
    expect(again.body.toString("utf8")).toBe("¿Qué tal? 🌹");
    expect(again.header("content-length")).toBe(String(Buffer.byteLength("¿Qué tal? 🌹")));
  });
});

describe("errors", () => {
  it("a malformed header line gives 400 with the headers that parsed before it", () => {
    const text = INVITE.replace("Max-Forwards: 70", "Max-Forwards 70");
    try {
      parseSipMessage(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SipParseError);
      const err = e as SipParseError;
      expect(err.status).toBe(400);
      expect(err.message).toMatch(/malformed header line/);
      expect(err.context?.via).toHaveLength(2);
      expect(err.context?.requestLine?.method).toBe("INVITE");
    }
  });

  it("maxBytes refuses a large datagram with 513 (RFC 3261 §18.1.1)", () => {
    expect(() => parseSipMessage(INVITE, { maxBytes: 100 })).toThrow(expect.objectContaining({ status: 513 }));
  });

  it.each([
    ["string", INVITE],
    ["Buffer", Buffer.from(INVITE)],
  ])("a 513 refusal (%s input) carries the context to answer it (RFC 3261 §8.2.6.2, §21.5.14)", (_kind, input) => {
    const error = (() => {
      try {
        parseSipMessage(input, { maxBytes: 100 });
      } catch (e) {
        return e as SipParseError;
      }
      throw new Error("accepted");
    })();
    expect(error.status).toBe(513);
    expect(error.isAnswerable).toBe(true);
    expect(error.context?.requestLine?.method).toBe("INVITE");
    expect(error.context?.via).toHaveLength(2);
    expect(error.context?.callId).toBe(parseSipMessage(INVITE).callId);
    expect(createErrorResponse(error)?.status).toBe(513);
  });

  it("a bare LF inside the header section is refused (no header smuggling)", () => {
    expect(() => parseSipMessage(INVITE.replace("X-Custom:", "X-Custom: a\nVia:"))).toThrow(/bare LF/);
  });

  it("a missing empty line is refused", () => {
    expect(() => parseSipMessage("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n")).toThrow(/no empty line/);
  });
});

describe("multipart bodies (RFC 2046 §5.1)", () => {
  it("splits parts, keeps a quoted boundary and ignores preamble and epilogue", () => {
    const body = Buffer.from(
      "preamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\nfirst\r\n--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\r\n--b1--\r\nepilogue",
    );
    const parts = parseMultipart(body, "b1");
    expect(parts.map((p) => p.body.toString())).toEqual(["first", "v=0\r\n"]);
    expect(parts[1]?.header("c")).toBe("application/sdp");
  });

  it("rejects a body without its close delimiter", () => {
    expect(() => parseMultipart(Buffer.from("--b1\r\n\r\nx"), "b1")).toThrow(SipParseError);
  });
});

describe("error responses", () => {
  it("an ACK that fails to parse is never answered (RFC 3261 §17.2.3)", () => {
    const text =
      "ACK sip:bob@biloxi.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n\r\n";
    try {
      parseSipMessage(text);
      expect.unreachable();
    } catch (e) {
      expect((e as SipParseError).message).toMatch(/CSeq method INVITE does not match ACK/);
      expect((e as SipParseError).isAnswerable).toBe(false);
    }
  });

  it("generates distinct 64-bit hex tags from the pooled random bytes, across pool refills (RFC 3261 §19.3)", () => {
    const tags = Array.from({ length: 2000 }, () => generateTag());
    for (const tag of tags) expect(tag).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(tags).size).toBe(tags.length);
  });

  it("generates distinct branches with the magic cookie and 72 random bits (RFC 3261 §8.1.1.7)", () => {
    const branches = Array.from({ length: 2000 }, () => generateBranch());
    for (const b of branches) expect(b).toMatch(/^z9hG4bK[A-Za-z0-9_-]{12}$/);
    expect(new Set(branches).size).toBe(branches.length);
  });

  it("a To whose display name contains ';tag=' still gets a real tag", () => {
    const text =
      'OPTIONS sip:a@b SIP/7.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: "x;tag=y" <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n';
    try {
      parseSipMessage(text);
      expect.unreachable();
    } catch (e) {
      const answer = createErrorResponse(e as SipParseError, "real");
      expect(answer?.header("to")).toBe('"x;tag=y" <sip:c@d>;tag=real');
    }
  });
});

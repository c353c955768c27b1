import { describe, expect, it } from "vitest";
import type { SipRequest, SipResponse, SipUri } from "../src/index.js";
import {
  bodyParts,
  isSipUri,
  paramValue,
  parseSipMessage,
  serializeSipMessage,
  unescapeUriPart,
  uriEquals,
} from "../src/index.js";
import { torture } from "./fixtures/rfc4475.js";

function request(name: string): SipRequest {
  const msg = parseSipMessage(torture(name));
  if (!msg.isRequest) throw new Error(`${name} is not a request`);
  return msg;
}

function response(name: string): SipResponse {
  const msg = parseSipMessage(torture(name));
  if (msg.isRequest) throw new Error(`${name} is not a response`);
  return msg;
}

function sip(uri: unknown): SipUri {
  if (typeof uri !== "object" || uri === null || !isSipUri(uri as SipUri)) throw new Error("not a SIP URI");
  return uri as SipUri;
}

describe("RFC 4475 §3.1.1 valid messages", () => {
  it("§3.1.1.1 wsinv: folding, escaped quotes, compact and odd-case names, LWS everywhere", () => {
    const m = request("wsinv");
    expect(m.method).toBe("INVITE");
    expect(sip(m.requestUri).params).toEqual([{ name: "unknownparam", value: null }]);
    expect(m.to.uri.raw).toBe("sip:vivekg@chair-dnrc.example.com");
    expect(paramValue(m.to.params, "tag")).toBe("1918181833n");
    expect(m.from.displayName).toBe('J Rosenberg \\"');
    expect(paramValue(m.from.params, "tag")).toBe("98asjd8");
    expect(m.maxForwards).toBe(68);
    expect(m.callId).toBe("wsinv.ndaksdj@192.0.2.1");
    expect(m.cseq).toEqual({ seq: 9, method: "INVITE" });
    expect(m.via.map((v) => [v.transport, v.host, v.branch])).toEqual([
      ["UDP", "192.0.2.2", "390skdjuw"],
      ["TCP", "spindle.example.com", "z9hG4bK9ikj8"],
      ["UDP", "192.168.255.111", "z9hG4bK30239"],
    ]);
    expect(m.header("subject")).toBe("");
    expect(m.header("newfangledheader")).toBe("newfangled value continued newfangled value");
    expect(m.header("UnknownHeaderWithUnusualValue")).toBe(";;,,;;,;");
    expect(sip(m.route[0]?.uri).params.map((p) => p.name)).toEqual(["lr", "unknownwith", "unknown-no-value"]);
    const contact = m.contact[0];
    expect(contact?.displayName).toBe('Quoted string ""');
    expect(contact?.params).toEqual([
      { name: "newparam", value: "newvalue" },
      { name: "secondparam", value: null },
      { name: "q", value: "0.33" },
    ]);
    expect(m.contentType).toMatchObject({ type: "application", subtype: "sdp" });
    expect(m.body.toString("latin1")).toMatch(/^v=0\r\n[\s\S]*a=rtpmap:31 LPC\r\n$/);
  });

  it("§3.1.1.2 intmeth: every token/word character in method, URI, branch, Call-ID, UTF-8 values", () => {
    const m = request("intmeth");
    const method = "!interesting-Method0123456789_*+`.%indeed'~";
    expect(m.method).toBe(method);
    const ruri = sip(m.requestUri);
    expect(ruri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(ruri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(ruri.host).toBe("example.com");
    expect(m.via[0]?.branch).toBe("z9hG4bK-.!%66*_+`'~");
    expect(m.to.displayName).toBe("BEL:\x07 NUL:\x00 DEL:\x7f");
    expect(m.from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(paramValue(m.from.params, "fromParam''~+*_!.-%")).toBe("работающий");
    expect(paramValue(m.from.params, "tag")).toBe("_token~1'+`*%!-.");
    expect(m.callId).toBe("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
    expect(m.cseq).toEqual({ seq: 139122385, method });
    expect(m.maxForwards).toBe(255);
    expect(m.header("extensionHeader-!.%*+_`'~")).toBe("\ufeff大停電");
  });

  it("§3.1.1.3 esc01: %-escapes in Request-URI, From/To user parts and Contact URI parameters", () => {
    const m = request("esc01");
    expect(unescapeUriPart(sip(m.requestUri).user ?? "")).toBe("sips:user@example.com");
    expect(uriEquals(m.to.uri, "sip:user@example.com")).toBe(true);
    expect(unescapeUriPart(sip(m.from.uri).user ?? "")).toBe("I have spaces");
    const params = sip(m.contact[0]?.uri).params.map((p) => [
      unescapeUriPart(p.name),
      p.value && unescapeUriPart(p.value),
    ]);
    // Unescaping is not recursive: "v%61lue%25%34%31" is "value%41", never "valueA".
    expect(params).toEqual([
      ["lr", null],
      ["name", "value%41"],
    ]);
    expect(m.body.length).toBe(150);
  });

  it("§3.1.1.4 escnull: escaped NULs in user parts do not shorten them", () => {
    const m = request("escnull");
    expect(unescapeUriPart(sip(m.to.uri).user ?? "")).toBe("null-\0-null");
    const [a, b] = m.contact;
    expect(unescapeUriPart(sip(a?.uri).user ?? "")).toBe("\0");
    expect(unescapeUriPart(sip(b?.uri).user ?? "")).toBe("\0\0");
    expect(uriEquals(a?.uri ?? "", b?.uri ?? "")).toBe(false);
  });

  it("§3.1.1.5 esc02: % is not an escape in methods, display names, branch or header names", () => {
    const m = request("esc02");
    expect(m.method).toBe("RE%47IST%45R");
    expect(m.method).not.toBe("REGISTER");
    expect(m.to.displayName).toBe("%Z%45");
    expect(m.via[0]?.branch).toBe("z9hG4bK209%fzsnel234");
    expect(m.contact.map((c) => sip(c.uri).host)).toEqual(["host1.example.com", "host3.example.com"]);
    expect(m.header("C%6Fntact")).toBe("<sip:alias2@host2.example.com>");
  });

  it("§3.1.1.6 lwsdisp: no LWS between display name and <", () => {
    const m = request("lwsdisp");
    expect(m.from.displayName).toBe("caller");
    expect(m.from.uri.raw).toBe("sip:caller@example.com");
    expect(paramValue(m.from.params, "tag")).toBe("323");
  });

  it("§3.1.1.7 longreq: long values and 34 Via values under many spellings of the name", () => {
    const m = request("longreq");
    expect(m.to.displayName).toBe(`I have a user name of ${"extreme".repeat(10)} proportion`);
    const to = sip(m.to.uri);
    expect(to.port).toBe(6000);
    expect(to.params.map((p) => p.name)).toEqual([
      "unknownparam1",
      `longparam${"name".repeat(25)}`,
      `very${"long".repeat(25)}ParameterNameWithNoValue`,
    ]);
    expect(sip(m.from.uri).user).toBe("amazinglylongcallername".repeat(5));
    expect(paramValue(m.from.params, "tag")).toBe(`12${"982".repeat(50)}424`);
    expect(m.via).toHaveLength(34);
    expect(m.via[0]?.host).toBe("sip33.example.com");
    expect(m.via[33]).toMatchObject({ host: "host.example.com", received: "192.0.2.5" });
    expect(m.via[33]?.branch).toBe(`very${"long".repeat(50)}branchvalue`);
    expect(m.header(`Unknown-${"Long".repeat(20)}-Name`)).toContain("-parameter-value");
    expect(sip(m.contact[0]?.uri).user).toBe("amazinglylongcallername".repeat(5));
  });

  it("§3.1.1.8 dblreq: octets after Content-Length in a datagram are ignored", () => {
    const m = request("dblreq");
    expect(m.method).toBe("REGISTER");
    expect(m.body.length).toBe(0);
    expect(serializeSipMessage(m).includes("INVITE")).toBe(false);
  });

  it("§3.1.1.9 semiuri: a semicolon and escaped @ inside the Request-URI user part", () => {
    const m = request("semiuri");
    const ruri = sip(m.requestUri);
    expect(ruri.user).toBe("user;par=u%40example.net");
    expect(ruri.host).toBe("example.com");
    expect(ruri.params).toEqual([]);
    expect(m.header("accept")?.split(/\s*,\s*/)).toHaveLength(6);
  });

  it("§3.1.1.10 transports: known and unknown Via transports", () => {
    const m = request("transports");
    expect(m.via.map((v) => v.transport)).toEqual(["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"]);
    expect(m.callId).toBe("transports.kijh4akdnaqjkwendsasfdj");
  });

  it("§3.1.1.11 mpart01: multipart/mixed body with a binary part containing NULs", () => {
    const m = request("mpart01");
    expect(m.body.length).toBe(553);
    expect(m.via[0]).toMatchObject({ host: "127.0.0.1", port: 5070, rport: null });
    expect(m.date?.toISOString()).toBe("2005-10-15T04:44:56.000Z");
    const parts = bodyParts(m) ?? [];
    expect(parts).toHaveLength(2);
    expect(parts[0]?.header("content-type")).toBe("text/plain");
    expect(parts[0]?.body.toString()).toBe("Hello");
    expect(parts[1]?.header("Content-Type")).toBe("application/octet-stream");
    expect(parts[1]?.body.subarray(0, 4)).toEqual(Buffer.from([0x30, 0x82, 0x01, 0x52]));
    expect(parts[1]?.body.includes(0)).toBe(true);
    expect(parts[1]?.body.subarray(-2)).toEqual(Buffer.from([0xd0, 0x05]));
  });

  it("§3.1.1.12 unreason: a Reason-Phrase with non-ASCII UTF-8", () => {
    const m = response("unreason");
    expect(m.status).toBe(200);
    expect(m.reason).toBe("= 2**3 * 5**2 но сто девяносто девять - простое");
    expect(m.body.length).toBe(154);
  });

  it("§3.1.1.13 noreason: an empty Reason-Phrase", () => {
    const m = response("noreason");
    expect(m.status).toBe(100);
    expect(m.reason).toBe("");
  });

  it.each([
    "wsinv",
    "intmeth",
    "esc01",
    "escnull",
    "esc02",
    "lwsdisp",
    "longreq",
    "dblreq",
    "semiuri",
    "transports",
    "mpart01",
    "unreason",
    "noreason",
  ])("§3.1.1 %s survives serialize then parse with every header and the body unchanged", (name) => {
    const first = parseSipMessage(torture(name));
    const again = parseSipMessage(serializeSipMessage(first));
    expect(again.headers).toEqual(first.headers);
    expect(again.body.equals(first.body)).toBe(true);
    expect(again.isRequest ? again.method : again.status).toBe(first.isRequest ? first.method : first.status);
  });
});

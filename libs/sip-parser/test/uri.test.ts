import { describe, expect, it } from "vitest";
import { escapeUriPart, parseUri, SipParseError, unescapeUriPart, uriEquals } from "../src/index.js";

describe("RFC 3261 §19.1 URI parsing", () => {
  it("parses every part of a sips URI", () => {
    expect(parseUri("sips:alice:secret@atlanta.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent")).toEqual(
      {
        scheme: "sips",
        user: "alice",
        password: "secret",
        host: "atlanta.com",
        port: 5061,
        params: [
          { name: "transport", value: "tcp" },
          { name: "lr", value: null },
        ],
        headers: [
          { name: "subject", value: "project%20x" },
          { name: "priority", value: "urgent" },
        ],
        raw: "sips:alice:secret@atlanta.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent",
      },
    );
  });

  it("parses IPv6 references and telephone-subscriber users", () => {
    expect(parseUri("sip:[2001:db8::10]:5070")).toMatchObject({ host: "[2001:db8::10]", port: 5070 });
    expect(parseUri("sip:+1-212-555-1212:1234@gateway.com;user=phone")).toMatchObject({
      user: "+1-212-555-1212",
      password: "1234",
    });
  });

  it("parses tel URIs (RFC 3966)", () => {
    expect(parseUri("tel:+1-201-555-0123;ext=1234")).toEqual({
      scheme: "tel",
      number: "+1-201-555-0123",
      params: [{ name: "ext", value: "1234" }],
      raw: "tel:+1-201-555-0123;ext=1234",
    });
  });

  it.each([
    ["sip:", /missing host/],
    ["sip:@host", /empty user/],
    ["sip:user@host:99999", /port out of range/],
    ["sip:user@host;", /empty URI parameter/],
    ["sip:us er@host", /user part|unexpected/],
    ["sip:user@host?x", /URI header/],
    ["sip:a%2@host", /%-escape/],
    ["<sip:a@b>", /scheme/],
    ["tel:", /telephone number/],
  ])("rejects %s", (text, why) => {
    expect(() => parseUri(text)).toThrow(SipParseError);
    expect(() => parseUri(text)).toThrow(why);
  });

  it("escapes and unescapes URI parts", () => {
    expect(escapeUriPart("I have spaces")).toBe("I%20have%20spaces");
    expect(unescapeUriPart("I%20have%20spaces")).toBe("I have spaces");
    expect(escapeUriPart("a;b", ";")).toBe("a;b");
  });
});

describe("RFC 3261 §19.1.4 URI comparison", () => {
  // The equal and unequal pairs listed in RFC 3261 §19.1.4.
  it.each([
    ["sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"],
    ["sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"],
    ["sip:carol@chicago.com", "sip:carol@chicago.com;security=on"],
    ["sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"],
    [
      "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
      "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com",
    ],
    [
      "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
      "sip:alice@atlanta.com?priority=urgent&subject=project%20x",
    ],
  ])("%s equals %s", (x, y) => {
    expect(uriEquals(x, y)).toBe(true);
    expect(uriEquals(y, x)).toBe(true);
  });

  it.each([
    ["SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"],
    ["sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"],
    ["sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"],
    ["sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"],
    ["sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"],
    ["sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"],
    ["sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"],
    ["sip:alice@atlanta.com", "sips:alice@atlanta.com"],
  ])("%s differs from %s", (x, y) => {
    expect(uriEquals(x, y)).toBe(false);
    expect(uriEquals(y, x)).toBe(false);
  });

  it("an escaped reserved character is not its literal (RFC 3261 §19.1.4)", () => {
    expect(uriEquals("sip:a%40b@host", "sip:a%40b@host")).toBe(true);
    expect(uriEquals("sip:user;par=u%40example.net@example.com", "sip:user;par=u%40EXAMPLE.net@example.com")).toBe(
      false,
    );
  });

  it("compares tel URIs ignoring visual separators (RFC 3966 §4)", () => {
    expect(uriEquals("tel:+1-201-555-0123", "tel:+1.201.555.0123")).toBe(true);
    expect(uriEquals("tel:+1-201-555-0123", "tel:+1-201-555-0124")).toBe(false);
  });

  it("compares other schemes exactly, scheme case-insensitively", () => {
    expect(uriEquals("HTTP://x", "http://x")).toBe(true);
    expect(uriEquals("http://x", "http://X")).toBe(false);
    expect(uriEquals("http://x", "sip:x")).toBe(false);
  });
});

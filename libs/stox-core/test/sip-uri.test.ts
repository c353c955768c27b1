import { describe, expect, it } from "vitest";
import { formatAddressUri, parseAddressUri, parseSipUri, UriParseError, uriParam } from "../src/index.js";

describe("address URI parser (RFC 3261 §19.1, RFC 3859/3860, RFC 3966)", () => {
  it("reads every part of a SIP URI and keeps escapes", () => {
    const uri = parseSipUri("SIP:a%20b:pw@Host.Example:5070;Transport=TCP;lr;gr=x%3Ay?Subject=hi%20there&h=v");
    expect(uri).toEqual({
      scheme: "sip",
      user: "a%20b",
      password: "pw",
      host: "Host.Example",
      port: 5070,
      params: [{ name: "transport", value: "TCP" }, { name: "lr" }, { name: "gr", value: "x%3Ay" }],
      headers: [
        { name: "Subject", value: "hi%20there" },
        { name: "h", value: "v" },
      ],
    });
    expect(uriParam(uri, "LR")).toBeNull();
    expect(uriParam(uri, "maddr")).toBeUndefined();
  });

  it("reads user parts containing ; ? / (RFC 3261 user-unreserved)", () => {
    expect(parseSipUri("sip:a;b?c/d@h.test").user).toBe("a;b?c/d");
  });

  it("reads IPv4 and IPv6 hosts with ports", () => {
    expect(parseSipUri("sip:b@192.0.2.1:5060")).toMatchObject({ host: "192.0.2.1", port: 5060 });
    expect(parseSipUri("sip:b@[2001:db8::1]:5061")).toMatchObject({ host: "[2001:db8::1]", port: 5061 });
    expect(parseSipUri("sips:[::1]")).toMatchObject({ scheme: "sips", host: "[::1]" });
  });

  it("reads im:, pres: and tel: URIs", () => {
    expect(parseAddressUri("im:fred@example.com?subject=x")).toEqual({
      scheme: "im",
      local: "fred",
      domain: "example.com",
      headers: [{ name: "subject", value: "x" }],
    });
    expect(parseAddressUri("pres:fred@example.com")).toMatchObject({ scheme: "pres", local: "fred" });
    expect(parseAddressUri("tel:+1-201-555-0123;phone-context=example.com")).toEqual({
      scheme: "tel",
      number: "+1-201-555-0123",
      params: [{ name: "phone-context", value: "example.com" }],
    });
  });

  it.each([
    "bob@sip.test",
    "sip:",
    "sip:bob@",
    "sip:@sip.test",
    "sip:b@b@sip.test",
    "sip:b ob@sip.test",
    "sip:b%2@sip.test",
    "sip:b%zz@sip.test",
    "sip:b#@sip.test",
    "sip:bob@sip.test:99999",
    "sip:bob@sip_test",
    "sip:bob@bücher.test",
    "sip:bob@sip.test;=x",
    "sip:bob@sip.test;a=b c",
    "sip:bob@sip.test?novalue",
    "im:nobody",
    "tel:abc-xyz",
    "mailto:a@b.test",
  ])("refuses %j with UriParseError", (text) => {
    expect(() => parseAddressUri(text)).toThrow(UriParseError);
  });

  it.each([
    "sip:alice@atlanta.com",
    "sip:alice:secretword@atlanta.com;transport=tcp",
    "sips:alice@atlanta.com?subject=project%20x&priority=urgent",
    "sip:+1-212-555-1212:1234@gateway.com;user=phone",
    "sips:1212@gateway.com",
    "sip:alice@192.0.2.4",
    "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com",
    "sip:alice;day=tuesday@atlanta.com",
  ])("round-trips the RFC 3261 §19.1.3 example %s", (text) => {
    expect(formatAddressUri(parseAddressUri(text))).toBe(text);
  });
});

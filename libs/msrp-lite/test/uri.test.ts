import { describe, expect, it } from "vitest";
import {
  formatMsrpUri,
  MsrpParseError,
  msrpUriEquals,
  msrpUriKey,
  newLocalMsrpUri,
  newSessionId,
  parseMsrpUri,
} from "../src/index.js";

describe("parseMsrpUri / formatMsrpUri (RFC 4975 §6, §9; MSRP-URI-01, MSRP-URI-04)", () => {
  it("parses the RFC 4975 §6 example", () => {
    expect(parseMsrpUri("msrp://host.example.com:8493/asfd34;tcp")).toEqual({
      scheme: "msrp",
      host: "host.example.com",
      port: 8493,
      sessionId: "asfd34",
      transport: "tcp",
      params: [],
    });
  });

  it.each([
    "msrp://host.example.com:8493/asfd34;tcp",
    "msrps://alice@relay.example.net:2855/a+b=c/d;tcp;foo=bar;baz",
    "msrp://[2001:db8::1]:2855/s1;tcp",
    "msrp://10.0.0.1:7777/iau39soe2843z;tcp",
    "msrps://relay.example.org;tcp",
    "msrps://relay.example.org:443/x;ws",
  ])("round-trips %s", (uri) => {
    expect(formatMsrpUri(parseMsrpUri(uri))).toBe(uri);
  });

  it.each([
    ["http://host:1/s;tcp", /scheme/],
    ["msrp://host:1/s", /transport/],
    ["msrp://10.0.0.1/s;tcp", /numeric IP address without port/],
    ["msrp://[::1]/s;tcp", /numeric IP address without port/],
    ["msrp://user:secret@host:1/s;tcp", /password/],
    ["msrp://host:99999/s;tcp", /port/],
    ["msrp://host:1/s%20x;tcp", /session-id/],
    ["msrp://ho st:1/s;tcp", /host/],
    ["msrp://host:1/s;t-c-p", /transport/],
  ])("rejects %s", (uri, reason) => {
    expect(() => parseMsrpUri(uri)).toThrowError(MsrpParseError);
    expect(() => parseMsrpUri(uri)).toThrowError(reason);
  });
});

describe("msrpUriEquals (RFC 4975 §6.1, MSRP-URI-05)", () => {
  const eq = (a: string, b: string) => msrpUriEquals(parseMsrpUri(a), parseMsrpUri(b));

  it.each([
    ["scheme is case-insensitive", "MSRP://h.example.com:1/s;tcp", "msrp://h.example.com:1/s;tcp"],
    ["host is case-insensitive", "msrp://H.Example.COM:1/s;tcp", "msrp://h.example.com:1/s;tcp"],
    ["userinfo is ignored", "msrp://alice@h.example.com:1/s;tcp", "msrp://h.example.com:1/s;tcp"],
    [
      "percent-encoded unreserved characters are decoded",
      "msrp://h%2Eexample.com:1/s;tcp",
      "msrp://h.example.com:1/s;tcp",
    ],
    ["transport is case-insensitive", "msrp://h:1/s;TCP", "msrp://h:1/s;tcp"],
    ["other parameters are not compared", "msrp://h:1/s;tcp;x=1", "msrp://h:1/s;tcp"],
    ["IPv6 literals compare as addresses", "msrp://[2001:DB8:0::1]:1/s;tcp", "msrp://[2001:db8::1]:1/s;tcp"],
  ])("equal: %s", (_why, a, b) => {
    expect(eq(a, b)).toBe(true);
    expect(msrpUriKey(parseMsrpUri(a))).toBe(msrpUriKey(parseMsrpUri(b)));
  });

  it.each([
    ["different scheme", "msrps://h:1/s;tcp", "msrp://h:1/s;tcp"],
    ["session-id is case-sensitive", "msrp://h:1/Sess;tcp", "msrp://h:1/sess;tcp"],
    ["absent session-id never equals present", "msrp://h:1;tcp", "msrp://h:1/s;tcp"],
    ["explicit port never equals absent port", "msrps://h:2855/s;tcp", "msrps://h/s;tcp"],
    ["ports must match", "msrp://h:1/s;tcp", "msrp://h:2/s;tcp"],
    ["different transport", "msrp://h:1/s;tcp", "msrp://h:1/s;ws"],
    ["different host", "msrp://a:1/s;tcp", "msrp://b:1/s;tcp"],
  ])("not equal: %s", (_why, a, b) => {
    expect(eq(a, b)).toBe(false);
  });
});

describe("session ids (MSRP-URI-02, MSRP-URI-03)", () => {
  it("generates session ids of 20 alphanumerics (> 80 bits) in the session-id grammar", () => {
    const id = newSessionId();
    expect(id).toMatch(/^[A-Za-z0-9]{20}$/); // 20 * log2(62) ≈ 119 bits
  });

  it("does not repeat a session id across 10,000 draws", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newSessionId()));
    expect(ids.size).toBe(10_000);
  });

  it("uses every alphanumeric character class (not a hex or digit-only alphabet)", () => {
    const all = Array.from({ length: 200 }, () => newSessionId()).join("");
    expect(all).toMatch(/[A-Z]/);
    expect(all).toMatch(/[a-z]/);
    expect(all).toMatch(/[0-9]/);
  });

  it("builds a fresh local URI with port and tcp transport", () => {
    const a = newLocalMsrpUri({ host: "gw.example.net", port: 2855 });
    const b = newLocalMsrpUri({ host: "gw.example.net", port: 2855, isSecure: true });
    expect(formatMsrpUri(a)).toMatch(/^msrp:\/\/gw\.example\.net:2855\/[A-Za-z0-9]{20};tcp$/);
    expect(b.scheme).toBe("msrps");
    expect(a.sessionId).not.toBe(b.sessionId);
    expect(parseMsrpUri(formatMsrpUri(a))).toEqual(a);
  });

  it("brackets an IPv6 host", () => {
    expect(formatMsrpUri(newLocalMsrpUri({ host: "2001:db8::7", port: 2855 }))).toMatch(
      /^msrp:\/\/\[2001:db8::7\]:2855\//,
    );
  });
});

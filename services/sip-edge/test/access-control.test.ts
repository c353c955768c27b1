import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkAccess } from "../src/access/access-control.js";
import { parseCidrs } from "../src/access/cidr.js";
import { DigestAuthenticator, parseDigestParams } from "../src/access/digest.js";
import { RateLimiter } from "../src/access/rate-limiter.js";
import { systemClock } from "../src/clock.js";
import type { Source } from "../src/transport/types.js";
import { request } from "./fixtures/messages.js";

const src = (address: string): Source => ({
  protocol: "udp",
  remote: { address, port: 5060 },
  local: { address: "127.0.0.1", port: 5060 },
});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("trusted peers (CIDR)", () => {
  it("matches IPv4 and IPv6 networks and single addresses, and v4-mapped v6", () => {
    const set = parseCidrs(["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"]);
    expect(set.has("10.1.2.3")).toBe(true);
    expect(set.has("11.0.0.1")).toBe(false);
    expect(set.has("2001:db8::1")).toBe(true);
    expect(set.has("192.0.2.7")).toBe(true);
    expect(set.has("::ffff:10.0.0.1")).toBe(true);
  });

  it.each(["10.0.0.0/33", "example.com", "10.0.0.0/x"])("refuses %s", (bad) => {
    expect(() => parseCidrs([bad])).toThrow();
  });
});

describe("per-source rate limit (token bucket)", () => {
  it("allows a burst, then asks the source to wait, and refills over time", () => {
    const rl = new RateLimiter({ ratePerSecond: 2, burst: 3, clock: systemClock });
    expect([rl.take("a"), rl.take("a"), rl.take("a")]).toEqual([0, 0, 0]);
    expect(rl.take("a")).toBe(1);
    expect(rl.take("b")).toBe(0); // other sources are unaffected
    vi.advanceTimersByTime(500);
    expect(rl.take("a")).toBe(0);
  });

  it("answers 503 with Retry-After when a source is over its rate (RFC 3261 §21.5.4, CORE-SEC-11)", () => {
    const rateLimiter = new RateLimiter({ ratePerSecond: 1, burst: 1, clock: systemClock });
    const opts = { trusted: parseCidrs(["0.0.0.0/0"]), rateLimiter };
    expect(checkAccess(request("MESSAGE"), src("192.0.2.1"), opts)).toBeUndefined();
    const r = checkAccess(request("MESSAGE"), src("192.0.2.1"), opts);
    expect(r?.status).toBe(503);
    expect(r?.header("retry-after")).toBe("1");
  });
});

function md5(s: string): string {
  return createHash("md5").update(s).digest("hex");
}
function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

describe("digest authentication (RFC 3261 §22.4, RFC 7616, RFC 8760)", () => {
  const digest = new DigestAuthenticator({
    realm: "gw.example",
    users: new Map([["proxy", "s3cret"]]),
    nonceSecret: "k",
    nonceTtlMs: 60_000,
    clock: systemClock,
  });
  const untrusted = { trusted: parseCidrs(["10.0.0.0/8"]), digest };

  function authorize(alg: "MD5" | "SHA-256", password = "s3cret", method = "MESSAGE") {
    const challenge = checkAccess(request(method), src("192.0.2.1"), untrusted);
    const www = challenge?.headerValues("www-authenticate") ?? [];
    const p = parseDigestParams(www.find((w) => w.includes(`algorithm=${alg}`)) ?? "");
    const h = alg === "MD5" ? md5 : sha256;
    const uri = "sip:bob@biloxi.example.com";
    const ha1 = h(`proxy:gw.example:${password}`);
    const ha2 = h(`${method}:${uri}`);
    const resp = h(`${ha1}:${p.get("nonce")}:00000001:abc:auth:${ha2}`);
    return `Digest username="proxy", realm="gw.example", nonce="${p.get("nonce")}", uri="${uri}", response="${resp}", algorithm=${alg}, cnonce="abc", qop=auth, nc=00000001`;
  }

  it("challenges an untrusted peer with 401, SHA-256 offered before MD5 (RFC 8760 §2.4, CORE-SEC-06)", () => {
    const r = checkAccess(request("MESSAGE"), src("192.0.2.1"), untrusted);
    expect(r?.status).toBe(401);
    const www = r?.headerValues("www-authenticate") ?? [];
    expect(www[0]).toMatch(/algorithm=SHA-256/);
    expect(www[1]).toMatch(/algorithm=MD5/);
  });

  it.each(["MD5", "SHA-256"] as const)("admits a correct %s Authorization", (alg) => {
    const r = request("MESSAGE", { extra: [`Authorization: ${authorize(alg)}`] });
    expect(checkAccess(r, src("192.0.2.1"), untrusted)).toBeUndefined();
  });

  it("offers only the configured algorithms, in the configured order", () => {
    const md5Only = new DigestAuthenticator({
      realm: "gw.example",
      users: new Map([["proxy", "s3cret"]]),
      nonceSecret: "k",
      nonceTtlMs: 60_000,
      clock: systemClock,
      algorithms: ["MD5"],
    });
    const www = md5Only.challenges();
    expect(www).toHaveLength(1);
    expect(www[0]).toMatch(/algorithm=MD5/);
  });

  it("refuses a replayed Authorization (same nonce count, RFC 7616 §3.4)", () => {
    const r = () => request("MESSAGE", { extra: [`Authorization: ${auth}`] });
    const auth = authorize("SHA-256");
    expect(checkAccess(r(), src("192.0.2.1"), untrusted)).toBeUndefined();
    expect(checkAccess(r(), src("192.0.2.1"), untrusted)?.status).toBe(401);
  });

  it("refuses a wrong password", () => {
    const r = request("MESSAGE", { extra: [`Authorization: ${authorize("SHA-256", "guess")}`] });
    expect(checkAccess(r, src("192.0.2.1"), untrusted)?.status).toBe(401);
  });

  it("marks an expired nonce stale", () => {
    const auth = authorize("MD5");
    vi.advanceTimersByTime(61_000);
    const r = checkAccess(request("MESSAGE", { extra: [`Authorization: ${auth}`] }), src("192.0.2.1"), untrusted);
    expect(r?.status).toBe(401);
    expect(r?.header("www-authenticate")).toMatch(/stale=true/);
  });

  it("admits trusted peers (allow-list, CORE-SEC-06) without a challenge, and never challenges ACK or CANCEL (§22.1)", () => {
    expect(checkAccess(request("MESSAGE"), src("10.9.9.9"), untrusted)).toBeUndefined();
    expect(checkAccess(request("CANCEL"), src("192.0.2.1"), untrusted)).toBeUndefined();
    expect(checkAccess(request("ACK"), src("192.0.2.1"), untrusted)).toBeUndefined();
  });

  it("refuses untrusted peers with 403 when no digest is configured (CORE-SEC-06)", () => {
    expect(checkAccess(request("MESSAGE"), src("192.0.2.1"), { trusted: parseCidrs(["10.0.0.0/8"]) })?.status).toBe(
      403,
    );
  });

  it("admits everyone when neither a trust list nor digest is configured (development mode)", () => {
    expect(checkAccess(request("MESSAGE"), src("192.0.2.1"), { trusted: parseCidrs([]) })).toBeUndefined();
  });
});

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DigestAuthenticator, parseDigestParams } from "../src/access/digest.js";
import type { Clock } from "../src/clock.js";

// RFC 7616 §3.4.1 with qop=auth, as a UAC computes it (MD5, so the test needs no algorithm negotiation).
const md5 = (s: string) => createHash("md5").update(s).digest("hex");

function answer(challenge: string, nc: number, uri = "sip:gw.example"): string {
  const nonce = parseDigestParams(challenge).get("nonce") ?? "";
  const ncHex = nc.toString(16).padStart(8, "0");
  const cnonce = "c0ffee";
  const ha1 = md5("alice:gw.example:pw");
  const ha2 = md5(`MESSAGE:${uri}`);
  const response = md5(`${ha1}:${nonce}:${ncHex}:${cnonce}:auth:${ha2}`);
  return `Digest username="alice", realm="gw.example", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${ncHex}, cnonce="${cnonce}"`;
}

function setUp() {
  let now = 1_000_000;
  const clock: Clock = { now: () => now, setTimeout: () => undefined, clearTimeout: () => undefined };
  const auth = new DigestAuthenticator({
    realm: "gw.example",
    users: new Map([["alice", "pw"]]),
    nonceSecret: "s",
    nonceTtlMs: 60_000,
    clock,
    algorithms: ["MD5"],
  });
  return { auth, advance: (ms: number) => (now += ms) };
}

describe("digest nonce counts (RFC 7616 §3.4 replay check) are forgotten through a queue, not a scan", () => {
  it("refuses a repeated nonce count, also with tens of thousands of nonces counted", () => {
    const { auth, advance } = setUp();
    for (let i = 0; i < 20_000; i++) {
      const challenge = auth.challenges()[0] as string;
      expect(auth.verify("MESSAGE", [answer(challenge, 1)]).ok).toBe(true);
      advance(1);
    }
    expect(auth.countedNonces).toBe(20_000);
    const challenge = auth.challenges()[0] as string;
    expect(auth.verify("MESSAGE", [answer(challenge, 1)]).ok).toBe(true);
    expect(auth.verify("MESSAGE", [answer(challenge, 1)]).ok).toBe(false); // replay
    expect(auth.verify("MESSAGE", [answer(challenge, 2)]).ok).toBe(true); // next count
  });

  it("forgets the counts of nonces past their TTL (they are refused as stale anyway), and only those", () => {
    const { auth, advance } = setUp();
    const old = auth.challenges()[0] as string;
    expect(auth.verify("MESSAGE", [answer(old, 1)]).ok).toBe(true);
    advance(30_000);
    const recent = auth.challenges()[0] as string;
    expect(auth.verify("MESSAGE", [answer(recent, 1)]).ok).toBe(true);
    expect(auth.countedNonces).toBe(2);
    advance(30_001); // `old` is now past its TTL, `recent` is not
    const fresh = auth.challenges()[0] as string;
    expect(auth.verify("MESSAGE", [answer(fresh, 1)]).ok).toBe(true);
    expect(auth.countedNonces).toBe(2); // old forgotten; recent and fresh kept
    expect(auth.verify("MESSAGE", [answer(recent, 1)]).ok).toBe(false); // recent's count survived
    const stale = auth.verify("MESSAGE", [answer(old, 2)]);
    expect(stale).toEqual({ ok: false, isStale: true });
  });
});

import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@stox/service-kit";
import { describe, expect, it } from "vitest";
import { checkAddressing } from "../src/addressing.js";
import { loadConfig } from "../src/config.js";
import { createInFlightGate } from "../src/in-flight-gate.js";
import { bareJid, splitJid } from "../src/jid.js";
import { RateLimiter } from "../src/rate-limiter.js";
import { answerForSelf } from "../src/self-answers.js";
import { errorReply, isErrorReplyAllowed, stanzaErrorFor } from "../src/stanza-errors.js";
import { normalizeInbound, normalizeOutbound } from "../src/stanza-namespace.js";
import { el } from "../src/xml/xml-element.js";

describe("RateLimiter (token bucket, CORE-SEC-04 c)", () => {
  it("allows a burst, then refills at the configured rate, per key", () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take("a"))).toEqual([true, true, true, false]);
    expect(limiter.take("b")).toBe(true);
    now = 500; // one token back
    expect([limiter.take("a"), limiter.take("a")]).toEqual([true, false]);
  });

  it("is unlimited with rate 0 and keeps at most maxKeys buckets", () => {
    expect(new RateLimiter({ ratePerSecond: 0, burst: 1 }).take("x")).toBe(true);
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 5, maxKeys: 10 }, () => 0);
    for (let i = 0; i < 100; i++) limiter.take(`k${i}`);
    expect(limiter.size).toBeLessThanOrEqual(10);
  });
});

describe("checkAddressing", () => {
  const s2s = { mode: "s2s" as const, localDomains: ["sip.example.com"], peerDomains: ["example.net"] };
  it.each([
    ["ok", { from: "a@example.net/r", to: "b@sip.example.com" }, { ok: true }],
    [
      "foreign from: invalid-from (RFC 6120 §8.1.2.2)",
      { from: "a@evil.test", to: "b@sip.example.com" },
      { condition: "invalid-from" },
    ],
    ["foreign to: host-unknown", { from: "a@example.net", to: "b@other.test" }, { condition: "host-unknown" }],
    [
      "no from: improper-addressing (RFC 6120 §4.9.3.7)",
      { to: "b@sip.example.com" },
      { condition: "improper-addressing" },
    ],
  ])("s2s: %s", (_name, attrs, expected) => {
    expect(checkAddressing(el("message", attrs), s2s)).toMatchObject(expected);
  });

  it("component: `to` must be ours; a stanza without `from` is dropped", () => {
    const policy = { mode: "component" as const, domains: ["sip.example.com"] };
    expect(checkAddressing(el("message", { from: "a@x", to: "b@sip.example.com" }), policy)).toEqual({ ok: true });
    expect(checkAddressing(el("message", { from: "a@x", to: "b@other" }), policy)).toMatchObject({ level: "stanza" });
    expect(checkAddressing(el("message", { to: "b@sip.example.com" }), policy)).toMatchObject({ level: "drop" });
  });
});

describe("stanza errors (RFC 6120 §8.3, CORE-ERR-14..17)", () => {
  it("builds the error reply with swapped addresses, same id and one defined condition", () => {
    const reply = errorReply(el("iq", { from: "a@x/r", to: "sip.example.com", id: "7", type: "get" }), {
      type: "cancel",
      condition: "service-unavailable",
      text: "no mapper",
    });
    expect(reply).toEqual(
      el(
        "iq",
        { from: "sip.example.com", to: "a@x/r", id: "7", type: "error" },
        el(
          "error",
          { type: "cancel" },
          el("service-unavailable", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" }),
          el("text", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" }, "no mapper"),
        ),
      ),
    );
  });

  it.each([
    ["message error", el("message", { type: "error" }), false],
    ["iq result", el("iq", { type: "result" }), false],
    ["iq error", el("iq", { type: "error" }), false],
    ["iq get", el("iq", { type: "get" }), true],
    ["presence", el("presence"), true],
  ])("answers %s with an error: %s", (_n, stanza, allowed) => {
    expect(isErrorReplyAllowed(stanza)).toBe(allowed);
  });

  it.each([
    ["timeout", "wait", "remote-server-timeout"],
    ["unavailable", "cancel", "service-unavailable"],
    ["not-implemented", "cancel", "feature-not-implemented"],
    ["rate-limited", "wait", "resource-constraint"],
    ["forbidden", "auth", "forbidden"],
  ] as const)("maps gateway code %s to %s/%s", (code, type, condition) => {
    expect(stanzaErrorFor(code)).toMatchObject({ type, condition });
  });
});

describe("self answers", () => {
  const options = { domains: ["sip.example.com"], name: "stox", version: "1", domainFeatures: [], userFeatures: [] };
  it("leaves iqs for other namespaces, results, and other domains to the mappers", () => {
    const ping = el("ping", { xmlns: "urn:xmpp:ping" });
    const register = el("query", { xmlns: "jabber:iq:register" });
    expect(
      answerForSelf(el("iq", { to: "sip.example.com", type: "set", from: "a@x" }, register), options),
    ).toBeUndefined();
    expect(
      answerForSelf(el("iq", { to: "sip.example.com", type: "result", from: "a@x" }, ping), options),
    ).toBeUndefined();
    expect(answerForSelf(el("iq", { to: "other.test", type: "get", from: "a@x" }, ping), options)).toBeUndefined();
    expect(
      answerForSelf(el("iq", { to: "u@sip.example.com", type: "get", from: "a@x" }, ping), options),
    ).toBeUndefined();
    const jingle = el("jingle", { xmlns: "urn:xmpp:jingle:1" });
    expect(
      answerForSelf(el("iq", { to: "sip.example.com", type: "get", from: "a@x" }, jingle), options),
    ).toBeUndefined();
  });
});

describe("namespaces and JIDs", () => {
  it("drops only the stream namespace on the top element, both ways", () => {
    const inbound = el("message", { xmlns: "jabber:server", to: "a@b" }, el("x", { xmlns: "urn:x" }));
    expect(normalizeInbound(inbound, "jabber:server")).toEqual(
      el("message", { to: "a@b" }, el("x", { xmlns: "urn:x" })),
    );
    expect(normalizeInbound(inbound, "jabber:component:accept")).toEqual(inbound);
    expect(normalizeOutbound(el("iq", { xmlns: "jabber:client" }))).toEqual(el("iq"));
    expect(normalizeOutbound(el("iq", { xmlns: "urn:other" }))).toEqual(el("iq", { xmlns: "urn:other" }));
  });

  it("splits JIDs (RFC 7622 §3.1) and lower-cases the domain", () => {
    expect(splitJid("Juliet@Example.COM/Balcony/x")).toEqual({
      local: "Juliet",
      domain: "example.com",
      resource: "Balcony/x",
    });
    expect(splitJid("example.com.")).toEqual({ local: undefined, domain: "example.com", resource: undefined });
    expect(splitJid("@example.com")).toBeUndefined();
    expect(bareJid("a@b/c")).toBe("a@b");
  });
});

describe("loadConfig", () => {
  const secret = join(tmpdir(), `xmpp-edge-secret-${process.pid}`);
  writeFileSync(secret, "s\n");
  it("reads the component secret from a file and normalizes domains", () => {
    const config = loadConfig({
      XMPP_EDGE_DOMAINS: "SIP.Example.com.,b.test",
      XMPP_EDGE_COMPONENT_SECRET_FILE: secret,
    });
    expect(config.domains).toEqual(["sip.example.com", "b.test"]);
    expect(config.componentSecret).toBe("s");
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{}, "XMPP_EDGE_DOMAINS"],
    [{ XMPP_EDGE_DOMAINS: "a" }, "XMPP_EDGE_COMPONENT_SECRET_FILE"],
    [
      { XMPP_EDGE_DOMAINS: "a", XMPP_EDGE_COMPONENT_SECRET_FILE: secret, XMPP_EDGE_MAX_STANZA_BYTES: "9999" },
      "XMPP_EDGE_MAX_STANZA_BYTES",
    ],
    [
      { XMPP_EDGE_DOMAINS: "a", XMPP_EDGE_MODE: "s2s", XMPP_EDGE_DIALBACK_SECRET_FILE: secret },
      "XMPP_EDGE_S2S_TLS_CERT_FILE",
    ],
    [
      { XMPP_EDGE_DOMAINS: "a", XMPP_EDGE_MODE: "s2s", XMPP_EDGE_S2S_REQUIRE_TLS: "false" },
      "XMPP_EDGE_DIALBACK_SECRET_FILE",
    ],
    [
      { XMPP_EDGE_DOMAINS: "a", XMPP_EDGE_COMPONENT_SECRET_FILE: secret, XMPP_EDGE_S2S_ROUTES: "nonsense" },
      "XMPP_EDGE_S2S_ROUTES",
    ],
  ])("refuses %j naming %s", (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });
});

describe("README", () => {
  it("documents every XMPP_EDGE_* variable that config.ts reads", () => {
    const read = (file: string) => readFileSync(join(import.meta.dirname, "..", file), "utf8");
    const variables = new Set(read("src/config.ts").match(/XMPP_EDGE_[A-Z0-9_]+/g));
    const readme = read("README.md");
    const missing = [...variables].filter((v) => !readme.includes(`\`${v}\``));
    expect(missing).toEqual([]);
    expect(variables.size).toBeGreaterThan(20);
  });
});

describe("createInFlightGate", () => {
  it("pauses at max, resumes at half, and counts each leave once", () => {
    const calls: string[] = [];
    const gate = createInFlightGate(
      4,
      () => calls.push("pause"),
      () => calls.push("resume"),
    );
    const leaves = [gate.enter(), gate.enter(), gate.enter()];
    expect(calls).toEqual([]);
    const fourth = gate.enter();
    expect(calls).toEqual(["pause"]);
    fourth();
    fourth();
    expect(gate.count).toBe(3);
    leaves[0]?.();
    expect(calls).toEqual(["pause", "resume"]);
  });
});

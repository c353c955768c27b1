import { createMemoryBus } from "@stox/bus";
import { toKvKey } from "@stox/events";
import { ConfigError } from "@stox/service-kit";
import { afterEach, describe, expect, it } from "vitest";
import { openChatStore } from "../src/chat-store.js";
import { loadConfig } from "../src/config.js";
import { createRateLimiter } from "../src/rate-limiter.js";
import { createTargetQueue, TargetQueueFullError } from "../src/target-queue.js";
import { callIdForThread, isCallId } from "../src/thread-call-id.js";

describe("thread <-> Call-ID (IM-X2S-06)", () => {
  it.each([
    ["c0ffee-1", true],
    ["abc@host.example", true],
    ["a b", false],
    ["a@b@c", false],
    ["é", false],
    ["x".repeat(257), false],
  ])("isCallId(%j) is %s", (value, expected) => {
    expect(isCallId(value)).toBe(expected);
  });

  it("derives t- + 32 lowercase base32 characters of SHA-256 for other threads", () => {
    // Expected value computed independently: python3 base64.b32encode(sha256(b"a b")).lower()[:32].
    const { callId, isDerived } = callIdForThread("a b");
    expect(isDerived).toBe(true);
    expect(callId).toBe("t-zbuhucfklvxnebcdfd5gu2l2xduw3q2c");
  });
});

describe("per-target FIFO (IM-X2S-11, IM-STATE-02)", () => {
  it("runs one task per target at a time, in order, and others in parallel", async () => {
    const queue = createTargetQueue(10);
    const log: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = queue.run("sip:bob@sip.test", async () => {
      log.push("bob-1 start");
      await gate;
      log.push("bob-1 end");
    });
    const second = queue.run("sip:bob@sip.test", async () => {
      log.push("bob-2");
    });
    const other = queue.run("sip:carol@sip.test", async () => {
      log.push("carol");
    });
    await other;
    expect(log).toEqual(["bob-1 start", "carol"]);
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(["bob-1 start", "carol", "bob-1 end", "bob-2"]);
  });

  it("refuses beyond the limit with TargetQueueFullError and keeps going after a failure", async () => {
    const queue = createTargetQueue(2);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const a = queue.run("t", () => gate);
    const b = queue.run("t", async () => {
      throw new Error("boom");
    });
    await expect(queue.run("t", async () => 1)).rejects.toBeInstanceOf(TargetQueueFullError);
    release();
    await a;
    await expect(b).rejects.toThrow("boom");
    await expect(queue.run("t", async () => 42)).resolves.toBe(42);
  });
});

describe("rate limit (IM-SEC-05)", () => {
  it("allows a burst of twice the rate, then refills over time", () => {
    const limiter = createRateLimiter(2);
    const results = Array.from({ length: 5 }, () => limiter.take("alice", 0));
    expect(results).toEqual([true, true, true, true, false]);
    expect(limiter.take("bob", 0)).toBe(true);
    expect(limiter.take("alice", 500)).toBe(true);
    expect(limiter.take("alice", 500)).toBe(false);
  });

  it("rate 0 means no limit", () => {
    const limiter = createRateLimiter(0);
    expect(Array.from({ length: 100 }, () => limiter.take("a", 0)).every(Boolean)).toBe(true);
  });
});

describe("shared state in KV (IM-STATE-01..04, CORE-ARCH-07)", () => {
  const bus = createMemoryBus();
  afterEach(async () => {
    for (const b of ["chat-s2x", "chat-imdn", "chat-threads"]) await (await bus.kv(b)).destroy();
  });

  it("IM-STATE-03: an S2X stanza id is recorded once; a second record of it reports the repeat", async () => {
    const store = await openChatStore(bus, { s2xTtlSeconds: 60, threadTtlSeconds: 60 });
    const record = {
      sipSenderUri: "sip:b@s",
      sipTargetUri: "sip:a@x",
      senderJid: "b@s",
      targetJid: "a@x",
    };
    expect(await store.recordS2X("s2x-1", record)).toBe(true);
    expect(await store.recordS2X("s2x-1", record)).toBe(false);
    expect(await store.getS2X("s2x-1")).toEqual(record);
  });

  it("IM-STATE-04: CSeq numbers of one Call-ID increase across concurrent callers, and the thread is remembered", async () => {
    const [one, two] = await Promise.all([
      openChatStore(bus, { s2xTtlSeconds: 60, threadTtlSeconds: 60 }),
      openChatStore(bus, { s2xTtlSeconds: 60, threadTtlSeconds: 60 }),
    ]);
    const got = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? one : two).nextCseq("t-abc", "my thread")),
    );
    expect([...got].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await two.threadOf("t-abc")).toBe("my thread");
    expect(await two.threadOf("t-unknown")).toBeUndefined();
  });

  it("an S2X record that asked for IMDN outlives the short stanza record (late XEP-0333 displayed markers)", async () => {
    const store = await openChatStore(bus, { s2xTtlSeconds: 60, threadTtlSeconds: 600 });
    const record = {
      sipSenderUri: "sip:b@s",
      sipTargetUri: "sip:a@x",
      senderJid: "b@s",
      targetJid: "a@x",
      imdn: { messageId: "m", dateTime: "2026-11-23T01:00:00Z", dispositions: ["display" as const] },
    };
    await store.recordS2X("s2x-2", record);
    await (await bus.kv("chat-s2x")).delete(toKvKey("s2x-2")); // as if its TTL had run out
    expect(await store.getS2X("s2x-2")).toEqual(record);
  });

  it("IM-STATE-01 / RFC 5438: the IMDN Message-ID of an X2S message maps back to the XMPP sender and id", async () => {
    const store = await openChatStore(bus, { s2xTtlSeconds: 60, threadTtlSeconds: 60 });
    const record = { senderJid: "alice@xmpp.test/phone", targetJid: "bob@sip.test", stanzaId: "k7", dispositions: [] };
    await store.putX2SImdn("m1", record);
    expect(await store.getX2SImdn("m1")).toEqual(record);
  });
});

describe("config", () => {
  it("has working defaults and reads the variables", () => {
    const c = loadConfig({});
    expect(c.s2xSuccessStatus).toBe(200);
    expect(c.maxSipMessageBytes).toBe(1300);
    expect(c.reportFromUri).toBe("sip:postmaster@localhost");
    const d = loadConfig({
      CHAT_MAPPER_S2X_SUCCESS_STATUS: "202",
      CHAT_MAPPER_SIP_DOMAINS: "sip.test",
      CHAT_MAPPER_XMPP_DOMAINS: "xmpp.test",
    });
    expect(d.s2xSuccessStatus).toBe(202);
    expect(d.policy.roleOf("sip.test")).toBe("sip-home");
  });

  it.each([
    [{ CHAT_MAPPER_S2X_SUCCESS_STATUS: "201" }, "CHAT_MAPPER_S2X_SUCCESS_STATUS"],
    [{ CHAT_MAPPER_SIP_DOMAINS: "same.test", CHAT_MAPPER_XMPP_DOMAINS: "same.test" }, "CHAT_MAPPER_SIP_DOMAINS"],
    [{ CHAT_MAPPER_REPORT_FROM_URI: "mailto:x" }, "CHAT_MAPPER_REPORT_FROM_URI"],
    [{ CHAT_MAPPER_S2X_STATE_STORAGE: "disk" }, "CHAT_MAPPER_S2X_STATE_STORAGE"],
    // IM-SIZE-03: RFC 6120 §13.12 lets no server go below 10,000 bytes, so neither may this setting.
    [{ CHAT_MAPPER_MAX_STANZA_BYTES: "9999" }, "CHAT_MAPPER_MAX_STANZA_BYTES"],
  ])("refuses %j naming %s (IM-SIZE-03 for the stanza limit)", (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as ConfigError).variable).toBe(variable);
    }
  });
});

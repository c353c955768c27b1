// The pure parts: COMEDIA roles, SDP attributes, media-type matching, status mapping, config.
import { describe, expect, it } from "vitest";
import {
  decideAfterAnswer,
  decideAnswerSetup,
  decideOfferSetup,
  errorForMsrpStatus,
  isAcceptedType,
  loadConfig,
  msrpStatusForError,
  sdpAttributes,
} from "../src/index.js";

describe("a=setup roles (RFC 6135, msrp.md §8.2)", () => {
  it("offers actpass and leaves the role open (MSRP-CONN-08)", () => {
    expect(decideOfferSetup()).toEqual({ local: "actpass", isActive: undefined });
  });

  it.each([
    ["active", false],
    ["passive", true],
    [undefined, true], // RFC 4975 §8.5: the offerer connects (MSRP-CONN-02)
    ["holdconn", true], // RFC 6135 §4.4: as if absent
    ["actpass", true],
  ] as const)("as offerer, answer setup %s makes us active=%s", (remote, isActive) => {
    expect(decideAfterAnswer(remote)).toBe(isActive);
  });

  it.each([
    ["actpass", "passive", false],
    ["active", "passive", false],
    [undefined, "passive", false],
    ["holdconn", "passive", false],
    ["passive", "active", true],
  ] as const)("as answerer to setup %s we answer %s (active=%s)", (remote, local, isActive) => {
    expect(decideAnswerSetup(remote)).toEqual({ local, isActive });
  });
});

describe("SDP attributes (RFC 4975 §8)", () => {
  it("writes path, accept-types, accept-wrapped-types, max-size and setup (MSRP-SDP-03..06)", () => {
    expect(
      sdpAttributes({
        path: ["msrp://gw.example.net:2855/a8Hq3kPz0vX2mR7t;tcp"],
        acceptTypes: ["message/cpim", "text/plain"],
        acceptWrappedTypes: ["text/plain"],
        maxSize: 65536,
        setup: "actpass",
      }),
    ).toEqual([
      "path:msrp://gw.example.net:2855/a8Hq3kPz0vX2mR7t;tcp",
      "accept-types:message/cpim text/plain",
      "accept-wrapped-types:text/plain",
      "max-size:65536",
      "setup:actpass",
    ]);
  });

  it("omits accept-wrapped-types when empty", () => {
    const lines = sdpAttributes({
      path: ["p"],
      acceptTypes: ["*"],
      acceptWrappedTypes: [],
      maxSize: 1,
      setup: "passive",
    });
    expect(lines.some((l) => l.startsWith("accept-wrapped-types"))).toBe(false);
  });
});

describe("accept-types matching (RFC 4975 §8.6)", () => {
  it.each([
    ["text/plain", ["text/plain"], true],
    ["Text/Plain; charset=UTF-8", ["text/plain"], true],
    ["text/html", ["text/*"], true],
    ["image/png", ["*"], true],
    ["text/html", ["text/plain", "message/cpim"], false],
    ["textual/plain", ["text/*"], false],
  ] as const)("%s against %j: %s", (type, accepted, expected) => {
    expect(isAcceptedType(type, accepted)).toBe(expected);
  });
});

describe("status mapping", () => {
  it.each([
    ["bad-request", 400],
    ["forbidden", 403],
    ["not-found", 404],
    ["not-acceptable", 415],
    ["too-large", 413],
    ["timeout", 408],
    ["not-implemented", 501],
    ["unavailable", 403],
  ] as const)("mapper error %s answers %i", (code, status) => {
    expect(msrpStatusForError(code)).toBe(status);
  });

  it.each([
    [413, "too-large"],
    [415, "not-acceptable"],
    [481, "not-found"],
    [408, "timeout"],
    [425, "forbidden"],
  ] as const)("peer status %i reaches the mapper as %s", (status, code) => {
    expect(errorForMsrpStatus(status)).toBe(code);
  });
});

describe("config", () => {
  it("has defaults: port 2855, 30 s transactions, 1 MiB messages", () => {
    const config = loadConfig({ MSRP_EDGE_INSTANCE_ID: "edge-a" });
    expect(config).toMatchObject({ tcpPort: 2855, transactionTimeoutMs: 30_000, maxMessageBytes: 1024 * 1024 });
    expect(config.tls).toBeUndefined();
  });

  it("rejects an instance id that is not a subject token", () => {
    expect(() => loadConfig({ MSRP_EDGE_INSTANCE_ID: "Edge.A" })).toThrow(/MSRP_EDGE_INSTANCE_ID/);
  });

  it("needs both TLS files or neither", () => {
    expect(() => loadConfig({ MSRP_EDGE_INSTANCE_ID: "e", MSRP_EDGE_TLS_CERT_FILE: "/x.pem" })).toThrow(
      /MSRP_EDGE_TLS/,
    );
  });

  it("never reads a chunk limit below the message limit", () => {
    const config = loadConfig({
      MSRP_EDGE_INSTANCE_ID: "e",
      MSRP_EDGE_MAX_MESSAGE_BYTES: "100000",
      MSRP_EDGE_MAX_CHUNK_BYTES: "4096",
    });
    expect(config.maxChunkBytes).toBe(100000);
  });
});

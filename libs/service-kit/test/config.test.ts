import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  loadEnv,
  loadHostConfig,
  readBool,
  readEnum,
  readInt,
  readList,
  readRequiredString,
  readSecretFile,
  redact,
} from "../src/index.js";

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("no error thrown");
}

describe("config readers", () => {
  it.each([
    ["a word for a number", () => readInt({ X_PORT: "abc" }, "X_PORT", 1), "X_PORT: must be a whole number"],
    ["a number out of range", () => readInt({ X_N: "70000" }, "X_N", 1, { max: 65535 }), "X_N: must be at most 65535"],
    ["a bad boolean", () => readBool({ X_ON: "maybe" }, "X_ON", false), "X_ON: must be true or false"],
    ["a value outside the set", () => readEnum({ X_E: "c" }, "X_E", ["a", "b"], "a"), "X_E: must be one of a, b"],
    ["a missing required value", () => readRequiredString({}, "X_REQ"), "X_REQ: is required"],
    ["an unreadable secret file", () => readSecretFile({ X_FILE: "/nonexistent/x" }, "X_FILE"), "X_FILE: cannot read"],
  ])("names the variable for %s", (_label, fn, message) => {
    const err = errorOf(fn);
    expect(err.message).toContain(message);
    expect(err.code).toBe("STOX_CONFIG");
  });

  it("uses defaults for unset and blank values", () => {
    expect(readInt({ X: "  " }, "X", 5)).toBe(5);
    expect(readList({}, "X", ["a"])).toEqual(["a"]);
    expect(readList({ X: " a, ,b " }, "X", [])).toEqual(["a", "b"]);
  });

  it("reads a config file and lets the environment override it", () => {
    const dir = mkdtempSync(join(tmpdir(), "stox-config-"));
    const json = join(dir, "stox.json");
    writeFileSync(json, JSON.stringify({ LOG_LEVEL: "debug", STOX_HTTP_PORT: 1234 }));
    const env = loadEnv({ STOX_CONFIG_FILE: json, STOX_HTTP_PORT: "4321" });
    expect(env.LOG_LEVEL).toBe("debug");
    expect(env.STOX_HTTP_PORT).toBe("4321");
    const envFile = join(dir, "stox.env");
    writeFileSync(envFile, "# comment\nLOG_LEVEL=warn\n");
    expect(loadEnv({ STOX_CONFIG_FILE: envFile }).LOG_LEVEL).toBe("warn");
    writeFileSync(envFile, "not a pair\n");
    expect(errorOf(() => loadEnv({ STOX_CONFIG_FILE: envFile })).message).toContain("line 1 is not KEY=VALUE");
  });

  it("picks NATS when NATS_URL is set and memory otherwise", () => {
    expect(loadHostConfig({}).bus).toBe("memory");
    expect(loadHostConfig({ NATS_URL: "nats://10.0.0.1:4222" }).bus).toBe("nats");
    expect(loadHostConfig({ NATS_URL: "nats://x:4222", STOX_BUS: "memory" }).bus).toBe("memory");
  });

  it("keeps trace context on by default; off only without a span exporter", () => {
    expect(loadHostConfig({}).traceContext).toBe("on");
    expect(loadHostConfig({ STOX_TRACE_CONTEXT: "off" }).traceContext).toBe("off");
    expect(loadHostConfig({ STOX_TRACE_CONTEXT: "off", OTEL_TRACES_EXPORTER: "none" }).traceContext).toBe("off");
    const err = errorOf(() => loadHostConfig({ STOX_TRACE_CONTEXT: "off", OTEL_TRACES_EXPORTER: "otlp" }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain("STOX_TRACE_CONTEXT");
    expect(errorOf(() => loadHostConfig({ STOX_TRACE_CONTEXT: "maybe" })).message).toContain("STOX_TRACE_CONTEXT");
  });

  it("masks secrets in the config it logs", () => {
    expect(redact({ natsPassword: "hunter2", natsUrl: "nats://x", componentSecret: "s" })).toEqual({
      natsPassword: "[redacted]",
      natsUrl: "nats://x",
      componentSecret: "[redacted]",
    });
  });
});

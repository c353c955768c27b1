import { readFileSync } from "node:fs";

/** A bad or missing setting. Start-up stops with this message, which names the variable and what to fix. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code = "STOX_CONFIG";
  constructor(
    readonly variable: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${variable}: ${message}`, options);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

export function readString(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

export function readOptionalString(env: Env, name: string): string | undefined {
  return raw(env, name);
}

export function readRequiredString(env: Env, name: string): string {
  const value = raw(env, name);
  if (value === undefined) throw new ConfigError(name, "is required but not set");
  return value;
}

export function readInt(env: Env, name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new ConfigError(name, `must be a whole number, got ${JSON.stringify(value)}`);
  const n = Number(value);
  if (range.min !== undefined && n < range.min) throw new ConfigError(name, `must be at least ${range.min}, got ${n}`);
  if (range.max !== undefined && n > range.max) throw new ConfigError(name, `must be at most ${range.max}, got ${n}`);
  return n;
}

export function readPort(env: Env, name: string, fallback: number): number {
  return readInt(env, name, fallback, { min: 0, max: 65535 });
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

export function readBool(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new ConfigError(name, `must be true or false, got ${JSON.stringify(value)}`);
}

export function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Comma-separated list, trimmed, empty items dropped. */
export function readList(env: Env, name: string, fallback: readonly string[]): readonly string[] {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A secret from a mounted file (`<NAME>` holds the path, e.g. XMPP_EDGE_COMPONENT_SECRET_FILE). */
export function readSecretFile(env: Env, name: string): string | undefined {
  const path = raw(env, name);
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, "utf8").trim();
  } catch (err) {
    throw new ConfigError(name, `cannot read secret file ${path}`, { cause: err });
  }
}

/**
 * The environment a service reads: an optional file named by STOX_CONFIG_FILE (JSON object of variable names to
 * values, or KEY=VALUE lines), overridden by the real environment.
 */
export function loadEnv(env: Env): Env {
  const path = raw(env, "STOX_CONFIG_FILE");
  if (path === undefined) return env;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError("STOX_CONFIG_FILE", `cannot read ${path}`, { cause: err });
  }
  const fromFile = path.endsWith(".json") ? parseJsonConfig(text) : parseEnvFile(text);
  return { ...fromFile, ...env };
}

function parseJsonConfig(text: string): Env {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError("STOX_CONFIG_FILE", "is not valid JSON", { cause: err });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError("STOX_CONFIG_FILE", "must hold a JSON object of variable names to values");
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) out[k] = String(v);
  return out;
}

function parseEnvFile(text: string): Env {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) throw new ConfigError("STOX_CONFIG_FILE", `line ${i + 1} is not KEY=VALUE`);
    out[trimmed.slice(0, eq).trim()] = trimmed
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
  });
  return out;
}

/** The config with secrets masked, for the one start-up log line. */
export function redact<T extends object>(config: T, secretKeys: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    const isSecret = secretKeys.includes(k) || /secret|password|token|key$/i.test(k);
    out[k] = isSecret && v !== undefined ? "[redacted]" : v;
  }
  return out;
}

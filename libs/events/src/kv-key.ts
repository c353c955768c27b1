// JetStream KV keys allow only [-_=/.A-Za-z0-9], so JIDs and SIP URIs go through base64url. Dots are kept as
// separators between encoded parts so prefixes stay watchable (`presence.<watcher>.>`).

/** Encodes each part with base64url and joins them with dots: toKvKey("sub", "alice@x.test"). */
export function toKvKey(...parts: readonly string[]): string {
  return parts.map((p) => Buffer.from(p, "utf8").toString("base64url") || "-").join(".");
}

/** Inverse of toKvKey. */
export function fromKvKey(key: string): string[] {
  return key.split(".").map((p) => (p === "-" ? "" : Buffer.from(p, "base64url").toString("utf8")));
}

/** The media type without parameters, lower-cased: `Text/Plain; charset=utf-8` -> `text/plain`. */
export function bareMediaType(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

/** Whether `contentType` matches an accept-types list with `*` and `type/*` wildcards (RFC 4975 §8.6). */
export function isAcceptedType(contentType: string, accepted: readonly string[]): boolean {
  const type = bareMediaType(contentType);
  const major = type.split("/")[0];
  return accepted.some((entry) => {
    const a = bareMediaType(entry);
    return a === "*" || a === type || (a.endsWith("/*") && a.slice(0, -2) === major);
  });
}

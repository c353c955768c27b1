import { headerKey } from "@stox/sip-parser";

export type HeaderList = readonly (readonly [string, string])[];

/** Every value of a header (compact forms and case folded: RFC 3261 §7.3). */
export function headerValues(headers: HeaderList, name: string): string[] {
  const key = headerKey(name);
  return headers.filter(([n]) => headerKey(n) === key).map(([, v]) => v);
}

/** The first value of a header, or undefined. */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  const key = headerKey(name);
  for (const [n, v] of headers) if (headerKey(n) === key) return v;
  return undefined;
}

/** Comma-separated tokens of all values of a header, lowercased (Require, Content-Encoding ...). */
export function headerTokens(headers: HeaderList, name: string): string[] {
  return headerValues(headers, name)
    .flatMap((v) => v.split(","))
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== "");
}

import { formatParams, type NameAddr, paramValue, parseNameAddr, parseNameAddrList } from "@stox/sip-parser";

export type HeaderList = readonly (readonly [string, string])[];

// RFC 3261 §7.3.3 and RFC 6665 §8.2.1 compact forms of the headers this mapper reads.
const COMPACT: Readonly<Record<string, string>> = {
  o: "event",
  m: "contact",
  t: "to",
  f: "from",
  c: "content-type",
  i: "call-id",
};

function canonical(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
}

/** Every value of a header, case-insensitively and with compact forms. */
export function headerValues(headers: HeaderList, name: string): string[] {
  const wanted = canonical(name);
  return headers.filter(([n]) => canonical(n) === wanted).map(([, v]) => v.trim());
}

export function headerValue(headers: HeaderList, name: string): string | undefined {
  return headerValues(headers, name)[0];
}

/** A delta-seconds header (Expires, Min-Expires, Retry-After's leading number); undefined when absent/invalid. */
export function deltaSeconds(headers: HeaderList, name: string): number | undefined {
  const v = headerValue(headers, name);
  if (v === undefined) return undefined;
  const digits = v.split(/[\s;(]/)[0] ?? "";
  if (digits === "" || ![...digits].every((c) => c >= "0" && c <= "9")) return undefined;
  return Math.min(Number(digits), 2 ** 32 - 1);
}

export interface TokenWithParams {
  readonly value: string;
  readonly params: Readonly<Record<string, string>>;
}

/** `token *( ";" name [ "=" value ] )` for Event and Subscription-State (no quoted strings occur there). */
export function tokenWithParams(raw: string | undefined): TokenWithParams | undefined {
  if (raw === undefined) return undefined;
  const [head = "", ...rest] = raw.split(";");
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf("=");
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    if (name) params[name] = eq < 0 ? "" : p.slice(eq + 1).trim();
  }
  return { value: head.trim().toLowerCase(), params };
}

function safeNameAddr(value: string | undefined): NameAddr | undefined {
  if (value === undefined) return undefined;
  try {
    return parseNameAddr(value);
  } catch {
    return undefined;
  }
}

/** The URI of the first Contact (the remote target, RFC 3261 §12.1). */
export function contactUri(headers: HeaderList): string | undefined {
  return safeNameAddr(headerValues(headers, "contact")[0])?.uri.raw;
}

/** The tag parameter of a To/From header value. */
export function tagOf(value: string | undefined): string | undefined {
  const na = safeNameAddr(value);
  const tag = na ? paramValue(na.params, "tag") : undefined;
  return tag ?? undefined;
}

/** Record-Route URIs as Route values: as received for a UAS, reversed for a UAC (RFC 3261 §12.1.1/§12.1.2). */
export function routeSet(headers: HeaderList, isUac: boolean): string[] {
  const all: string[] = [];
  for (const v of headerValues(headers, "record-route")) {
    try {
      for (const na of parseNameAddrList(v)) all.push(`<${na.uri.raw}>${formatParams(na.params)}`);
    } catch {
      // an unparsable Record-Route is skipped; the edge validated the message
    }
  }
  return isUac ? all.reverse() : all;
}

/** Whether an Accept header list admits application/pidf+xml (RFC 3856 §6.5; absent Accept means PIDF). */
export function acceptsPidf(headers: HeaderList): boolean {
  const accepts = headerValues(headers, "accept");
  if (accepts.length === 0) return true;
  const types = accepts.flatMap((a) => a.split(",")).map((t) => (t.split(";")[0] ?? "").trim().toLowerCase());
  return types.some((t) => t === "application/pidf+xml" || t === "application/*" || t === "*/*");
}

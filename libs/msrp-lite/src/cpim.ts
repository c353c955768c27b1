import { CpimParseError } from "./errors.js";
import type { MsrpHeader } from "./types.js";

/** `[Formal-name] <URI>` (RFC 3862 §3.3). */
export interface CpimAddress {
  readonly displayName?: string;
  readonly uri: string;
}

/** One CPIM header as written: `Name:[;params] value` (RFC 3862 §3.1). */
export interface CpimHeader {
  readonly name: string;
  /** Header parameters between the colon and the value, without the leading `;` (e.g. `lang=fr`). */
  readonly params?: string;
  readonly value: string;
}

export interface CpimMessage {
  /** Every CPIM header in wire order, untouched (MSRP-CPIM-03: never reorder or rewrite them). */
  readonly headers: readonly CpimHeader[];
  readonly from?: CpimAddress;
  readonly to: readonly CpimAddress[];
  readonly cc: readonly CpimAddress[];
  readonly dateTime?: string;
  /** RFC 3862 §4.6: one Subject per language. */
  readonly subjects: readonly { readonly lang?: string; readonly text: string }[];
  readonly ns: readonly { readonly prefix?: string; readonly uri: string }[];
  readonly require: readonly string[];
  /** MIME headers of the encapsulated part (Content-Type included), in order. */
  readonly contentHeaders: readonly MsrpHeader[];
  readonly contentType: string;
  readonly body: Uint8Array;
}

export interface CpimWrapInput {
  readonly from: CpimAddress;
  readonly to: CpimAddress | readonly CpimAddress[];
  readonly cc?: readonly CpimAddress[];
  /** A Date is written as RFC 3339 UTC. */
  readonly dateTime?: Date | string;
  readonly subject?: string | { readonly lang?: string; readonly text: string };
  readonly ns?: readonly { readonly prefix?: string; readonly uri: string }[];
  readonly require?: readonly string[];
  /** Further CPIM headers (e.g. `prefix.Name` extensions), written after the standard ones. */
  readonly extraHeaders?: readonly CpimHeader[];
  readonly contentType: string;
  /** Other MIME headers of the inner part (Content-ID, ...), written before Content-Type. */
  readonly contentHeaders?: readonly MsrpHeader[];
  readonly body: Uint8Array | string;
}

// RFC 4975 §13 (MSRP-CPIM-04) lets only NS, To and cc repeat. A receiver still tolerates several
// Subject (one per language, as RFC 3862 §5.1 shows) and Require lines; two senders or two dates are
// contradictory and rejected.
const SINGLE = new Set(["From", "DateTime"]);
const HEADER = /^([!#-'*+\-.0-9A-Z^-~]+):(?:;([^ ]*))? (.*)$/;
const ADDRESS = /^(?:(.*?) )?<([^<>]+)>$/;
const TOKEN_WORDS = /^[!#-'*+\-.0-9A-Z^-~]+( [!#-'*+\-.0-9A-Z^-~]+)*$/;
const LINE_BREAK = /[\r\n]/;
const CRLFCRLF = Buffer.from("\r\n\r\n", "latin1");
const utf8 = new TextDecoder("utf-8", { fatal: true });

function parseAddress(value: string, offset: number): CpimAddress {
  const m = ADDRESS.exec(value);
  if (!m?.[2])
    throw new CpimParseError(`CPIM address must be [name] <URI>: ${JSON.stringify(value.slice(0, 80))}`, offset);
  let name = m[1];
  if (name?.startsWith('"') && name.endsWith('"') && name.length >= 2) name = name.slice(1, -1).replace(/\\(.)/g, "$1");
  return { uri: m[2], ...(name ? { displayName: name } : {}) };
}

function formatAddress(address: CpimAddress): string {
  const name = address.displayName;
  if (name === undefined || name === "") return `<${address.uri}>`;
  const formal = TOKEN_WORDS.test(name) ? name : `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return `${formal} <${address.uri}>`;
}

function splitBlock(bytes: Buffer, from: number, what: string): { text: string; next: number } {
  const end = bytes.indexOf(CRLFCRLF, from);
  if (end < 0) throw new CpimParseError(`${what} not terminated by a blank line`, from);
  try {
    return { text: utf8.decode(bytes.subarray(from, end)), next: end + 4 };
  } catch (cause) {
    throw new CpimParseError(`${what} is not UTF-8`, from, { cause });
  }
}

function parseCpimHeaders(text: string, offset: number): CpimHeader[] {
  return text.split("\r\n").map((line) => {
    const m = HEADER.exec(line);
    if (!m?.[1] || m[3] === undefined)
      throw new CpimParseError(`bad CPIM header line ${JSON.stringify(line.slice(0, 80))}`, offset);
    return { name: m[1], value: m[3], ...(m[2] !== undefined ? { params: m[2] } : {}) };
  });
}

function parseMimeHeaders(text: string, offset: number): MsrpHeader[] {
  return text.split("\r\n").map((line) => {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new CpimParseError(`bad MIME header line ${JSON.stringify(line.slice(0, 80))}`, offset);
    return { name: line.slice(0, colon), value: line.slice(colon + 1).trim() };
  });
}

/**
 * Parses a `message/cpim` body (RFC 3862 §2): CPIM headers, blank line, MIME headers of the encapsulated
 * part (Content-Type required), blank line, content. Header names are case-sensitive. Throws
 * {@link CpimParseError}.
 */
export function unwrapCpim(input: Uint8Array): CpimMessage {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const cpim = splitBlock(bytes, 0, "CPIM header block");
  const headers = cpim.text === "" ? [] : parseCpimHeaders(cpim.text, 0);
  const mime = splitBlock(bytes, cpim.next, "MIME header block");
  const contentHeaders = mime.text === "" ? [] : parseMimeHeaders(mime.text, cpim.next);
  const contentType = contentHeaders.find((h) => h.name.toLowerCase() === "content-type")?.value;
  if (contentType === undefined) throw new CpimParseError("encapsulated part has no Content-Type", cpim.next);
  const seen = new Set<string>();
  for (const h of headers) {
    if (SINGLE.has(h.name) && seen.has(h.name)) throw new CpimParseError(`CPIM header ${h.name} repeated`, 0);
    seen.add(h.name);
  }
  const all = (name: string) => headers.filter((h) => h.name === name);
  const one = (name: string) => all(name)[0];
  const from = one("From");
  const dateTime = one("DateTime");
  return {
    headers,
    ...(from ? { from: parseAddress(from.value, 0) } : {}),
    to: all("To").map((h) => parseAddress(h.value, 0)),
    cc: all("cc").map((h) => parseAddress(h.value, 0)),
    ...(dateTime ? { dateTime: dateTime.value } : {}),
    subjects: all("Subject").map((h) => {
      const lang = h.params?.match(/^lang=(.+)$/)?.[1];
      return { text: h.value, ...(lang ? { lang } : {}) };
    }),
    ns: all("NS").map((h) => {
      const a = parseAddress(h.value, 0);
      return { uri: a.uri, ...(a.displayName ? { prefix: a.displayName } : {}) };
    }),
    require: all("Require").flatMap((h) => h.value.split(",").map((s) => s.trim())),
    contentHeaders,
    contentType,
    body: new Uint8Array(bytes.subarray(mime.next)),
  };
}

function line(h: CpimHeader): string {
  if (LINE_BREAK.test(h.name) || LINE_BREAK.test(h.value) || LINE_BREAK.test(h.params ?? "")) {
    throw new RangeError(`line break in CPIM header ${h.name}`);
  }
  return `${h.name}:${h.params !== undefined ? `;${h.params}` : ""} ${h.value}\r\n`;
}

/**
 * Wraps content in `message/cpim` (RFC 3862; RFC 4975 §13 requires From and To). Wrap before chunking
 * (MSRP-SEND-03).
 */
export function wrapCpim(input: CpimWrapInput): Uint8Array {
  const to = Array.isArray(input.to) ? (input.to as readonly CpimAddress[]) : [input.to as CpimAddress];
  if (to.length === 0) throw new RangeError("CPIM needs at least one To");
  const headers: CpimHeader[] = [
    ...(input.ns ?? []).map((n) => ({
      name: "NS",
      value: formatAddress({ uri: n.uri, ...(n.prefix ? { displayName: n.prefix } : {}) }),
    })),
    { name: "From", value: formatAddress(input.from) },
    ...to.map((a) => ({ name: "To", value: formatAddress(a) })),
    ...(input.cc ?? []).map((a) => ({ name: "cc", value: formatAddress(a) })),
  ];
  if (input.dateTime !== undefined) {
    const value = input.dateTime instanceof Date ? input.dateTime.toISOString() : input.dateTime;
    headers.push({ name: "DateTime", value });
  }
  if (input.subject !== undefined) {
    const s = typeof input.subject === "string" ? { text: input.subject } : input.subject;
    headers.push({ name: "Subject", value: s.text, ...(s.lang ? { params: `lang=${s.lang}` } : {}) });
  }
  if (input.require && input.require.length > 0) headers.push({ name: "Require", value: input.require.join(",") });
  headers.push(...(input.extraHeaders ?? []));
  const mime = [...(input.contentHeaders ?? []), { name: "Content-Type", value: input.contentType }]
    .map((h) => line(h))
    .join("");
  const head = `${headers.map(line).join("")}\r\n${mime}\r\n`;
  const body = typeof input.body === "string" ? Buffer.from(input.body, "utf8") : input.body;
  const out = new Uint8Array(Buffer.byteLength(head) + body.length);
  out.set(Buffer.from(head, "utf8"), 0);
  out.set(body, out.length - body.length);
  return out;
}

import { SipParseError } from "./errors.js";
import { canonicalHeaderName, headerKey } from "./header-names.js";
import type { MediaType } from "./media-type.js";
import { parseMediaType } from "./media-type.js";
import type { NameAddr } from "./name-addr.js";
import { parseNameAddr, parseNameAddrList } from "./name-addr.js";
import type { CSeq } from "./scalars.js";
import {
  checkCallId,
  parseCSeq,
  parseDeltaSeconds,
  parseMaxForwards,
  parseSipDate,
  parseTokenList,
} from "./scalars.js";
import type { Via } from "./via.js";
import { parseViaList } from "./via.js";

/** One header field line as written: name spelling kept, value unfolded and trimmed. */
export interface SipHeader {
  readonly name: string;
  readonly value: string;
}

const EMPTY = Buffer.alloc(0);
const UNSET: unique symbol = Symbol("unset");

/**
 * What requests and responses share: the header fields in order and the body. Raw values are kept
 * exactly; structured views (`via`, `from`, `cseq`...) are parsed on first access and cached until
 * the headers change. Structured getters throw `SipParseError` when the value is malformed.
 */
export abstract class SipMessage {
  /** Header names as written. */
  protected readonly names: string[];
  /** Lowercase long-form names, parallel to `names`. */
  protected readonly keys: string[];
  protected readonly values: string[];
  #body: Buffer | undefined;
  /** Body still as the text it arrived in (string input); turned into bytes on first read. */
  #bodyText: string | undefined;
  // Parsed views, UNSET until first read; reset whenever the headers change.
  #via: unknown = UNSET;
  #from: unknown = UNSET;
  #to: unknown = UNSET;
  #callId: unknown = UNSET;
  #cseq: unknown = UNSET;
  #maxForwards: unknown = UNSET;
  #contact: unknown = UNSET;
  #route: unknown = UNSET;
  #recordRoute: unknown = UNSET;
  #contentType: unknown = UNSET;
  #expires: unknown = UNSET;
  #date: unknown = UNSET;
  #more: Map<string, unknown> | undefined;

  protected constructor(names: string[], keys: string[], values: string[], body: Buffer | string | undefined) {
    this.names = names;
    this.keys = keys;
    this.values = values;
    if (typeof body === "string") this.#bodyText = body;
    else this.#body = body ?? EMPTY;
  }

  /** The body bytes (Content-Length is recomputed from them when serializing). */
  get body(): Buffer {
    if (this.#body === undefined) {
      this.#body =
        this.#bodyText === undefined || this.#bodyText.length === 0 ? EMPTY : Buffer.from(this.#bodyText, "utf8");
      this.#bodyText = undefined;
    }
    return this.#body;
  }

  set body(bytes: Buffer) {
    this.#body = bytes;
    this.#bodyText = undefined;
  }

  abstract readonly isRequest: boolean;
  abstract readonly version: string;

  /** All header fields in message order. */
  get headers(): readonly SipHeader[] {
    const out: SipHeader[] = [];
    for (let i = 0; i < this.names.length; i++) out.push({ name: this.names[i] ?? "", value: this.values[i] ?? "" });
    return out;
  }

  /** The first value of a header (name case-insensitive, compact forms accepted), or `undefined`. */
  header(name: string): string | undefined {
    const key = headerKey(name);
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.values[i];
    return undefined;
  }

  /** Every field value of a header, one entry per header line, in order. */
  headerValues(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] === key) out.push(this.values[i] ?? "");
    return out;
  }

  hasHeader(name: string): boolean {
    return this.keys.indexOf(headerKey(name)) >= 0;
  }

  /** Adds a header line, at the end or (for Via, Record-Route...) before all others of that name. */
  addHeader(name: string, value: string, position: "first" | "last" = "last"): this {
    checkHeaderText(name, value);
    const key = headerKey(name);
    let at = this.keys.length;
    if (position === "first") {
      const existing = this.keys.indexOf(key);
      if (existing >= 0) at = existing;
    }
    this.names.splice(at, 0, name);
    this.keys.splice(at, 0, key);
    this.values.splice(at, 0, value);
    this.#reset();
    return this;
  }

  /** Replaces every line of a header with one line holding `value` (added at the end if absent). */
  setHeader(name: string, value: string): this {
    checkHeaderText(name, value);
    const key = headerKey(name);
    const first = this.keys.indexOf(key);
    if (first < 0) return this.addHeader(canonicalHeaderName(name), value);
    this.removeHeader(name, first + 1);
    this.values[first] = value;
    this.#reset();
    return this;
  }

  /** Removes every line of a header (from index `from` on). Returns the number of lines removed. */
  removeHeader(name: string, from = 0): number {
    const key = headerKey(name);
    let removed = 0;
    for (let i = this.keys.length - 1; i >= from; i--) {
      if (this.keys[i] === key) {
        this.names.splice(i, 1);
        this.keys.splice(i, 1);
        this.values.splice(i, 1);
        removed++;
      }
    }
    if (removed > 0) this.#reset();
    return removed;
  }

  #reset(): void {
    this.#via = this.#from = this.#to = this.#callId = this.#cseq = this.#maxForwards = UNSET;
    this.#contact = this.#route = this.#recordRoute = this.#contentType = this.#expires = this.#date = UNSET;
    this.#more = undefined;
  }

  /** Parses something with `parse` once and caches it under `key` until the headers change. */
  protected cached<T>(key: string, parse: () => T): T {
    let more = this.#more;
    if (more === undefined) {
      more = new Map();
      this.#more = more;
    } else if (more.has(key)) return more.get(key) as T;
    const value = parse();
    more.set(key, value);
    return value;
  }

  /** The single value of the header with lookup key `key` (lowercase long form); it must appear exactly once. */
  protected single(key: string): string {
    let found: string | undefined;
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== key) continue;
      if (found !== undefined) throw new SipParseError(`more than one ${canonicalHeaderName(key)} header`);
      found = this.values[i];
    }
    if (found === undefined) throw new SipParseError(`missing ${canonicalHeaderName(key)} header`);
    return found;
  }

  /** First value for a lookup key (lowercase long form), skipping the name normalization. */
  #first(key: string): string | undefined {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.values[i];
    return undefined;
  }

  /** Parses every line of an address-list header given by lookup key. */
  #addresses(key: string): NameAddr[] {
    const out: NameAddr[] = [];
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== key) continue;
      const v = this.values[i] as string;
      if (v !== "*") parseNameAddrList(v, out);
    }
    return out;
  }

  /** Via values, topmost first, from every Via line (RFC 3261 §20.42). */
  get via(): readonly Via[] {
    if (this.#via === UNSET) {
      const out: Via[] = [];
      for (let i = 0; i < this.keys.length; i++) if (this.keys[i] === "via") parseViaList(this.values[i] ?? "", out);
      this.#via = out;
    }
    return this.#via as readonly Via[];
  }

  get from(): NameAddr {
    if (this.#from === UNSET) this.#from = parseNameAddr(this.single("from"));
    return this.#from as NameAddr;
  }

  get to(): NameAddr {
    if (this.#to === UNSET) this.#to = parseNameAddr(this.single("to"));
    return this.#to as NameAddr;
  }

  get callId(): string {
    if (this.#callId === UNSET) this.#callId = checkCallId(this.single("call-id"));
    return this.#callId as string;
  }

  get cseq(): CSeq {
    if (this.#cseq === UNSET) this.#cseq = parseCSeq(this.single("cseq"));
    return this.#cseq as CSeq;
  }

  /** Max-Forwards, or `undefined` when absent (RFC 2543 peers omit it, RFC 4475 §3.4.1). */
  get maxForwards(): number | undefined {
    if (this.#maxForwards === UNSET) {
      this.#maxForwards =
        this.keys.indexOf("max-forwards") >= 0 ? parseMaxForwards(this.single("max-forwards")) : undefined;
    }
    return this.#maxForwards as number | undefined;
  }

  /** Contact values in order; empty when absent. `Contact: *` (REGISTER) is reported by `isContactStar`. */
  get contact(): readonly NameAddr[] {
    if (this.#contact === UNSET) this.#contact = this.#addresses("contact");
    return this.#contact as readonly NameAddr[];
  }

  get isContactStar(): boolean {
    const values = this.headerValues("contact");
    return values.length === 1 && values[0] === "*";
  }

  get route(): readonly NameAddr[] {
    if (this.#route === UNSET) this.#route = this.#addresses("route");
    return this.#route as readonly NameAddr[];
  }

  get recordRoute(): readonly NameAddr[] {
    if (this.#recordRoute === UNSET) this.#recordRoute = this.#addresses("record-route");
    return this.#recordRoute as readonly NameAddr[];
  }

  /** Any comma-separated address header (Contact, Route, Path, Service-Route...). */
  addressList(name: string): NameAddr[] {
    return this.#addresses(headerKey(name));
  }

  /** Any comma-separated token header (Require, Proxy-Require, Supported, Allow...), all lines joined. */
  tokenList(name: string): string[] {
    return this.headerValues(name).flatMap(parseTokenList);
  }

  get contentType(): MediaType | undefined {
    if (this.#contentType === UNSET) {
      const v = this.#first("content-type");
      this.#contentType = v === undefined ? undefined : parseMediaType(v);
    }
    return this.#contentType as MediaType | undefined;
  }

  /** Expires in seconds, or `undefined` when absent. Throws above 2**32-1 (RFC 4475 §3.1.2.4). */
  get expires(): number | undefined {
    if (this.#expires === UNSET) {
      const v = this.#first("expires");
      this.#expires = v === undefined ? undefined : parseDeltaSeconds(v);
    }
    return this.#expires as number | undefined;
  }

  /** Date header; throws `SipParseError` for anything but an rfc1123-date in GMT (RFC 4475 §3.1.2.12). */
  get date(): Date | undefined {
    if (this.#date === UNSET) {
      const v = this.#first("date");
      this.#date = v === undefined ? undefined : parseSipDate(v);
    }
    return this.#date as Date | undefined;
  }
}

/** Refuses header text that would break framing when serialized (CR, LF, a bad name). */
function checkHeaderText(name: string, value: string): void {
  if (!/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(name)) throw new SipParseError(`bad header name "${name}"`);
  if (/[\r\n]/.test(value)) throw new SipParseError(`header ${name} value contains CR or LF`);
}

import { SipParseError } from "./errors.js";
import { HeaderFields, UNINDEXED } from "./header-fields.js";
import { headerKey, INDEXED_KEYS } from "./header-names.js";
import type { MediaType } from "./media-type.js";
import { parseMediaType, parseMediaTypeC } from "./media-type.js";
import { mirrorHead } from "./mirror.js";
import type { NameAddr } from "./name-addr.js";
import { parseNameAddr, parseNameAddrAt, parseNameAddrList, parseNameAddrListC } from "./name-addr.js";
import type { CSeq } from "./scalars.js";
import {
  checkCallId,
  checkCallIdC,
  parseCSeq,
  parseCSeqC,
  parseSipDate,
  parseTokenList,
  parseUint,
  parseUintC,
} from "./scalars.js";
import type { Via } from "./via.js";
import { parseViaList, parseViaListC } from "./via.js";

export type { SipHeader } from "./header-fields.js";

const UNSET: unique symbol = Symbol("unset");

// Index ids of the headers the splitter indexes (their positions in INDEXED_KEYS).
const VIA = INDEXED_KEYS.indexOf("via");
const FROM = INDEXED_KEYS.indexOf("from");
const TO = INDEXED_KEYS.indexOf("to");
const CALL_ID = INDEXED_KEYS.indexOf("call-id");
const CSEQ = INDEXED_KEYS.indexOf("cseq");
const MAX_FORWARDS = INDEXED_KEYS.indexOf("max-forwards");
const CONTACT = INDEXED_KEYS.indexOf("contact");
const ROUTE = INDEXED_KEYS.indexOf("route");
const RECORD_ROUTE = INDEXED_KEYS.indexOf("record-route");
const CONTENT_TYPE = INDEXED_KEYS.indexOf("content-type");
const EXPIRES = INDEXED_KEYS.indexOf("expires");
const MAX_U32 = 4294967295;

/** A parse error from a value parsed in place, with its offset made relative to the value again. */
function relativeTo(e: unknown, start: number): unknown {
  if (!(e instanceof SipParseError) || e.offset < 0) return e;
  return new SipParseError(e.message, { offset: e.offset - start, status: e.status, cause: e.cause });
}

/**
 * What requests and responses share: the header fields in order and the body (see `HeaderFields`),
 * plus structured views (`via`, `from`, `cseq`...) parsed on first access and cached until the
 * headers change. Structured getters throw `SipParseError` when the value is malformed.
 */
export abstract class SipMessage extends HeaderFields {
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

  abstract readonly isRequest: boolean;
  abstract readonly version: string;

  protected headersChanged(): void {
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

  /** The first line to look at for a header with index id `id` (-1: not indexed); `keys.length` when absent. */
  #firstLine(id: number): number {
    const info = id < 0 ? UNINDEXED : this.lineInfo(id);
    if (info === UNINDEXED) return 0;
    if (info === -1) return this.keys.length;
    return info >= 0 ? info : -2 - info;
  }

  /** `keys.indexOf(key)` for a header with index id `id`, from the split's index when it applies. */
  #firstOf(id: number, key: string): number {
    const info = this.lineInfo(id);
    if (info === UNINDEXED) return this.keys.indexOf(key);
    return info >= -1 ? info : -2 - info;
  }

  /** Parses every line of an address-list header given by lookup key (and index id, -1 for none). */
  #addresses(key: string, id: number): NameAddr[] {
    const out: NameAddr[] = [];
    const keys = this.keys;
    for (let i = this.#firstLine(id); i < keys.length; i++) {
      if (keys[i] !== key) continue;
      const v = this.values[i] as string;
      if (v === "*") continue;
      const source = this.sourceOf(i);
      if (source === undefined) parseNameAddrList(v, out);
      else {
        const start = this.valueStart(i);
        try {
          parseNameAddrListC(source, mirrorHead(source), start, this.valueEnd(i), out);
        } catch (e) {
          throw relativeTo(e, start);
        }
      }
    }
    return out;
  }

  /** Via values, topmost first, from every Via line (RFC 3261 §20.42). */
  get via(): readonly Via[] {
    if (this.#via === UNSET) {
      const out: Via[] = [];
      for (let i = this.#firstLine(VIA); i < this.keys.length; i++) {
        if (this.keys[i] !== "via") continue;
        const source = this.sourceOf(i);
        if (source === undefined) parseViaList(this.values[i] ?? "", out);
        else {
          const start = this.valueStart(i);
          try {
            parseViaListC(source, mirrorHead(source), start, this.valueEnd(i), out);
          } catch (e) {
            throw relativeTo(e, start);
          }
        }
      }
      this.#via = out;
    }
    return this.#via as readonly Via[];
  }

  /** The one address of a single-valued header (From, To), parsed in place when possible. */
  #address(key: string, id: number): NameAddr {
    const i = this.singleLine(id, key);
    const source = this.sourceOf(i);
    if (source === undefined) return parseNameAddr(this.values[i] as string);
    const start = this.valueStart(i);
    try {
      return parseNameAddrAt(source, mirrorHead(source), start, this.valueEnd(i), false);
    } catch (e) {
      throw relativeTo(e, start);
    }
  }

  get from(): NameAddr {
    if (this.#from === UNSET) this.#from = this.#address("from", FROM);
    return this.#from as NameAddr;
  }

  get to(): NameAddr {
    if (this.#to === UNSET) this.#to = this.#address("to", TO);
    return this.#to as NameAddr;
  }

  get callId(): string {
    if (this.#callId === UNSET) {
      const i = this.singleLine(CALL_ID, "call-id");
      const value = this.values[i] as string;
      const source = this.sourceOf(i);
      if (source === undefined) checkCallId(value);
      else {
        const start = this.valueStart(i);
        try {
          checkCallIdC(mirrorHead(source), start, this.valueEnd(i));
        } catch (e) {
          throw relativeTo(e, start);
        }
      }
      this.#callId = value;
    }
    return this.#callId as string;
  }

  get cseq(): CSeq {
    if (this.#cseq === UNSET) {
      const i = this.singleLine(CSEQ, "cseq");
      const source = this.sourceOf(i);
      if (source === undefined) this.#cseq = parseCSeq(this.values[i] as string);
      else {
        const start = this.valueStart(i);
        try {
          this.#cseq = parseCSeqC(source, mirrorHead(source), start, this.valueEnd(i));
        } catch (e) {
          throw relativeTo(e, start);
        }
      }
    }
    return this.#cseq as CSeq;
  }

  /** `parseUint` on line `i`, in place when possible. */
  #uintAt(i: number, max: number, what: string): number {
    const source = this.sourceOf(i);
    if (source === undefined) return parseUint(this.values[i] as string, max, what);
    const start = this.valueStart(i);
    try {
      return parseUintC(mirrorHead(source), start, this.valueEnd(i), max, what);
    } catch (e) {
      throw relativeTo(e, start);
    }
  }

  /** Max-Forwards, or `undefined` when absent (RFC 2543 peers omit it, RFC 4475 §3.4.1). */
  get maxForwards(): number | undefined {
    if (this.#maxForwards === UNSET) {
      const info = this.lineInfo(MAX_FORWARDS);
      this.#maxForwards =
        info === -1 || (info === UNINDEXED && this.keys.indexOf("max-forwards") < 0)
          ? undefined
          : this.#uintAt(this.singleLine(MAX_FORWARDS, "max-forwards"), 255, "Max-Forwards");
    }
    return this.#maxForwards as number | undefined;
  }

  /** Contact values in order; empty when absent. `Contact: *` (REGISTER) is reported by `isContactStar`. */
  get contact(): readonly NameAddr[] {
    if (this.#contact === UNSET) this.#contact = this.#addresses("contact", CONTACT);
    return this.#contact as readonly NameAddr[];
  }

  get isContactStar(): boolean {
    const values = this.headerValues("contact");
    return values.length === 1 && values[0] === "*";
  }

  get route(): readonly NameAddr[] {
    if (this.#route === UNSET) this.#route = this.#addresses("route", ROUTE);
    return this.#route as readonly NameAddr[];
  }

  get recordRoute(): readonly NameAddr[] {
    if (this.#recordRoute === UNSET) this.#recordRoute = this.#addresses("record-route", RECORD_ROUTE);
    return this.#recordRoute as readonly NameAddr[];
  }

  /** Any comma-separated address header (Contact, Route, Path, Service-Route...). */
  addressList(name: string): NameAddr[] {
    return this.#addresses(headerKey(name), -1);
  }

  /** Any comma-separated token header (Require, Proxy-Require, Supported, Allow...), all lines joined. */
  tokenList(name: string): string[] {
    return this.headerValues(name).flatMap(parseTokenList);
  }

  get contentType(): MediaType | undefined {
    if (this.#contentType === UNSET) {
      const i = this.#firstOf(CONTENT_TYPE, "content-type");
      const source = i < 0 ? undefined : this.sourceOf(i);
      if (i < 0) this.#contentType = undefined;
      else if (source === undefined) this.#contentType = parseMediaType(this.values[i] as string);
      else {
        const start = this.valueStart(i);
        try {
          this.#contentType = parseMediaTypeC(source, mirrorHead(source), start, this.valueEnd(i));
        } catch (e) {
          throw relativeTo(e, start);
        }
      }
    }
    return this.#contentType as MediaType | undefined;
  }

  /** Expires in seconds, or `undefined` when absent. Throws above 2**32-1 (RFC 4475 §3.1.2.4). */
  get expires(): number | undefined {
    if (this.#expires === UNSET) {
      const i = this.#firstOf(EXPIRES, "expires");
      this.#expires = i < 0 ? undefined : this.#uintAt(i, MAX_U32, "Expires");
    }
    return this.#expires as number | undefined;
  }

  /** Date header; throws `SipParseError` for anything but an rfc1123-date in GMT (RFC 4475 §3.1.2.12). */
  get date(): Date | undefined {
    if (this.#date === UNSET) {
      const v = this.first("date");
      this.#date = v === undefined ? undefined : parseSipDate(v);
    }
    return this.#date as Date | undefined;
  }
}

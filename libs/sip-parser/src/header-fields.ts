import { isToken } from "./chars.js";
import { SipParseError } from "./errors.js";
import { canonicalHeaderName, headerKey } from "./header-names.js";

/** One header field line as written: name spelling kept, value unfolded and trimmed. */
export interface SipHeader {
  readonly name: string;
  readonly value: string;
}

const EMPTY = Buffer.alloc(0);

/** What `lineInfo` returns when the split's index no longer applies: scan the keys instead. */
export const UNINDEXED = 0x3fffffff;

/** Header names not sliced yet: found again in the parsed header text from where each value starts. */
export interface LazyNames {
  readonly head: string;
  /**
   * Two numbers per line: where its value starts and ends in `head`, the start stored as
   * `-1 - start` for a folded line, whose value was rebuilt and cannot be parsed in place. (The
   * name is found again from the value start; the end is not `start + values[i].length`
   * because a `length` read on strings of every representation would go megamorphic.)
   */
  readonly spans: number[];
  /**
   * Per header of `INDEXED_KEYS` (by position): its line, -1 when absent, or `-2 - first line`
   * when it appears more than once.
   */
  readonly lines: number[];
  /** Where the body starts in the parsed Buffer (0 for text, which is passed from the body on). */
  bodyStart: number;
  /** Content-Length: the body is cut to this many bytes when first read; -1 for all. */
  bodyLength: number;
}

function isWspCode(c: number): boolean {
  return c === 32 || c === 9;
}

/** The header name of the line whose value starts at `vs`: `name *WSP ":" *WSP value` read backwards. */
function nameBefore(head: string, vs: number): string {
  let k = vs - 1;
  while (isWspCode(head.charCodeAt(k))) k--;
  k--; // the colon
  while (isWspCode(head.charCodeAt(k))) k--;
  const nameEnd = k + 1;
  // A name starts its line, so the scan stops at the LF before it.
  while (k >= 0 && isToken(head.charCodeAt(k))) k--;
  return head.slice(k + 1, nameEnd);
}

/**
 * The header lines and body of a message. Names keep their spelling, values are stored exactly as
 * parsed (unfolded, trimmed); lookups go by `headerKey` so case and compact forms do not matter.
 */
export abstract class HeaderFields {
  /** Header names as written (sliced from the header text on first use). */
  #names: string[] | LazyNames;
  /** Lowercase long-form names, parallel to `names`. */
  protected readonly keys: string[];
  protected readonly values: string[];
  /** The header text this message was parsed from (start line first), kept for in-place parsing. */
  readonly #text: string | undefined;
  /** The parsed header text while the header lines are unchanged, so values can be parsed in place. */
  #source: string | undefined;
  #spans: number[] | undefined;
  #lines: number[] | undefined;
  #body: Buffer | undefined;
  /** Body still as the text it arrived in (string input); turned into bytes on first read. */
  /** What the body is cut from when first read: the parsed Buffer, or the text after the header section. */
  #bodySource: Buffer | string | undefined;
  /** Where the body starts in `#bodySource` and how many bytes it has (Content-Length), -1 for all. */
  #bodyStart = 0;
  #bodyLength = -1;

  protected constructor(
    names: string[] | LazyNames,
    keys: string[],
    values: string[],
    body: Buffer | string | undefined,
  ) {
    this.#names = names;
    if (!Array.isArray(names)) {
      this.#text = names.head;
      this.#source = names.head;
      this.#spans = names.spans;
      this.#lines = names.lines;
    }
    this.keys = keys;
    this.values = values;
    if (Array.isArray(names) && typeof body !== "string") this.#body = body ?? EMPTY;
    else {
      this.#bodySource = body;
      if (!Array.isArray(names)) {
        this.#bodyStart = names.bodyStart;
        this.#bodyLength = names.bodyLength;
      }
    }
  }

  /** The body bytes (Content-Length is recomputed from them when serializing). */
  get body(): Buffer {
    if (this.#body === undefined) {
      const source = this.#bodySource;
      const start = this.#bodyStart;
      const length = this.#bodyLength;
      let bytes: Buffer;
      if (typeof source === "string" || source === undefined) {
        bytes = source === undefined || source.length === 0 ? EMPTY : Buffer.from(source, "utf8");
        // Octets after Content-Length are not part of the body (RFC 4475 §3.1.1.8).
        if (length >= 0 && length < bytes.length) bytes = bytes.subarray(0, length);
      } else {
        // Shares memory with the parsed Buffer (parse-time checks made sure Content-Length fits).
        bytes = source.subarray(start, length >= 0 ? start + length : source.length);
      }
      this.#body = bytes;
      this.#bodySource = undefined;
    }
    return this.#body;
  }

  set body(bytes: Buffer) {
    this.#body = bytes;
    this.#bodySource = undefined;
  }

  /** Called after any header change, so subclasses can drop what they parsed. */
  protected abstract headersChanged(): void;

  /** Header names as written, in order. */
  protected get names(): string[] {
    const names = this.#names;
    if (Array.isArray(names)) return names;
    const out: string[] = [];
    const spans = names.spans;
    for (let i = 0; i < spans.length; i += 2) {
      const start = spans[i] as number;
      out.push(nameBefore(names.head, start < 0 ? -1 - start : start));
    }
    this.#names = out;
    return out;
  }

  /** All header fields in message order. */
  get headers(): readonly SipHeader[] {
    const names = this.names;
    const out: SipHeader[] = [];
    for (let i = 0; i < names.length; i++) out.push({ name: names[i] ?? "", value: this.values[i] ?? "" });
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
    this.#source = undefined;
    this.headersChanged();
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
    this.#source = undefined;
    this.headersChanged();
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
    if (removed > 0) {
      this.#source = undefined;
      this.headersChanged();
    }
    return removed;
  }

  /** The header text this message was parsed from, starting with the start line; `undefined` when built. */
  protected get parsedText(): string | undefined {
    return this.#text;
  }

  /**
   * Where line `i`'s value can be parsed in place: the header text it was parsed from, with
   * `valueStart`/`valueEnd` giving its range; `undefined` once the headers changed or for a folded
   * line (parse `values[i]` then).
   */
  protected sourceOf(i: number): string | undefined {
    const spans = this.#spans;
    if (this.#source === undefined || spans === undefined || (spans[2 * i] as number) < 0) return undefined;
    return this.#source;
  }

  protected valueStart(i: number): number {
    return (this.#spans as number[])[2 * i] as number;
  }

  protected valueEnd(i: number): number {
    return (this.#spans as number[])[2 * i + 1] as number;
  }

  /**
   * Where the header with index id `id` (see `INDEXED_KEYS`) is, as the split recorded it (see
   * `LazyNames.lines`); `UNINDEXED` once the headers changed or for a built message.
   */
  protected lineInfo(id: number): number {
    const lines = this.#lines;
    if (lines === undefined || this.#source === undefined) return UNINDEXED;
    return lines[id] as number;
  }

  /** The line of the header with index id `id` and lookup key `key`, which must appear exactly once. */
  protected singleLine(id: number, key: string): number {
    const line = this.lineInfo(id);
    return line >= 0 && line !== UNINDEXED ? line : this.singleIndex(key);
  }

  /** The line index of the header with lookup key `key`, which must appear exactly once. */
  protected singleIndex(key: string): number {
    let found = -1;
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== key) continue;
      if (found >= 0) throw new SipParseError(`more than one ${canonicalHeaderName(key)} header`);
      found = i;
    }
    if (found < 0) throw new SipParseError(`missing ${canonicalHeaderName(key)} header`);
    return found;
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
  protected first(key: string): string | undefined {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.values[i];
    return undefined;
  }
}

/** Refuses header text that would break framing when serialized (CR, LF, a bad name). */
export function checkHeaderText(name: string, value: string): void {
  if (!/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(name)) throw new SipParseError(`bad header name "${name}"`);
  if (/[\r\n]/.test(value)) throw new SipParseError(`header ${name} value contains CR or LF`);
}

import { XmppStreamError } from "./stream-errors.js";

/** Limits the guard enforces on every byte before the XML parser sees it. */
export interface XmlGuardLimits {
  /** Largest stanza (and largest run of bytes between stanzas), in bytes. */
  readonly maxStanzaBytes: number;
  /** Deepest element nesting inside a stanza; the stanza element itself is depth 1. */
  readonly maxDepth: number;
}

const LT = 0x3c;
const GT = 0x3e;
const BANG = 0x21;
const QUESTION = 0x3f;
const SLASH = 0x2f;
const AMP = 0x26;
const SEMI = 0x3b;
const QUOT = 0x22;
const APOS = 0x27;
const CDATA_OPEN = "[CDATA[";
const CDATA_CLOSE = "]]>";
const PI_CLOSE = "?>";
const MAX_ENTITY_LENGTH = 10; // "&#x10FFFF;" is the longest reference XMPP allows

type State = "text" | "lt" | "bang" | "tag" | "cdata" | "pi";

/**
 * A byte-level scanner in front of ltx that makes the stream "restricted XML" (RFC 6120 §11.1) and bounded:
 * it rejects DTDs, entity declarations, comments and processing instructions (other than the XML declaration
 * before the stream header), entity references other than the five predefined ones and character references,
 * and it stops a stanza the moment it grows past `maxStanzaBytes` or nests deeper than `maxDepth`, so nothing
 * unbounded is ever buffered. ltx alone would silently skip `<!DOCTYPE ...>` as if it were a comment.
 * It works on bytes because every XML delimiter is ASCII and UTF-8 multibyte sequences never contain ASCII.
 * Throws XmppStreamError; after that the stream cannot continue.
 */
export class XmlGuard {
  #state: State = "text";
  /** Element depth counting the stream root as 1, so a stanza is depth 2. */
  #depth = 0;
  #bytes = 0;
  #matched = 0; // progress through CDATA_OPEN / CDATA_CLOSE / PI_CLOSE
  #isEndTag = false;
  #previous = 0;
  #quote = 0;
  #entity: number[] | null = null;
  #hasRoot = false;

  constructor(readonly limits: XmlGuardLimits) {}

  /** Depth of the element being parsed (stream root = 1). */
  get depth(): number {
    return this.#depth;
  }

  /**
   * Checks a chunk; throws XmppStreamError at the first byte that breaks a rule. Returns the offset just
   * past the last markup construct (tag, CDATA section, XML declaration) that the chunk completed, or -1:
   * the parser feeds ltx only up to such points, because ltx loses state when a chunk splits `?>` or `]]>`.
   */
  check(chunk: Uint8Array): number {
    let boundary = -1;
    let nextLt = -1;
    let nextAmp = -1;
    for (let i = 0; i < chunk.length; i++) {
      if (this.#state === "text" && this.#entity === null) {
        // Fast path through character data: jump to the next '<' or '&' (native scans, each redone only
        // once passed), counting the skipped bytes against the stanza budget.
        if (nextLt !== chunk.length && nextLt < i) nextLt = indexOrEnd(chunk, LT, i);
        if (nextAmp !== chunk.length && nextAmp < i) nextAmp = indexOrEnd(chunk, AMP, i);
        const next = Math.min(nextLt, nextAmp);
        if (next > i) {
          this.#countMany(next - i);
          this.#previous = chunk[next - 1] as number;
          i = next;
          if (i >= chunk.length) break;
        }
      }
      if (this.#state === "tag" && this.#entity === null) {
        const end = this.#scanTag(chunk, i);
        if (end > i) {
          this.#countMany(end - i);
          i = end;
          if (i >= chunk.length) break;
        }
      }
      const byte = chunk[i] as number;
      this.#countMany(1);
      if (this.#entity) {
        this.#entityByte(byte);
        continue;
      }
      const before = this.#state;
      this.#step(byte);
      this.#previous = byte;
      if (before !== "text" && before !== "lt" && this.#state === "text") boundary = i + 1;
    }
    return boundary;
  }

  /**
   * Fast path through a tag: names, attribute names and quoted values, up to the first byte that needs the
   * full state machine ('>' outside quotes, '&' or '<' inside them). Returns that byte's index.
   */
  #scanTag(chunk: Uint8Array, from: number): number {
    let quote = this.#quote;
    let previous = this.#previous;
    let j = from;
    for (; j < chunk.length; j++) {
      const b = chunk[j] as number;
      if (quote !== 0) {
        if (b === quote) quote = 0;
        else if (b === AMP || b === LT) break;
      } else if (b === QUOT || b === APOS) quote = b;
      else if (b === GT) break;
      previous = b;
    }
    this.#quote = quote;
    this.#previous = previous;
    return j;
  }

  #countMany(n: number): void {
    this.#bytes += n;
    if (this.#bytes > this.limits.maxStanzaBytes) {
      throw new XmppStreamError("policy-violation", `stanza larger than ${this.limits.maxStanzaBytes} bytes`);
    }
  }

  #step(byte: number): void {
    switch (this.#state) {
      case "text":
        if (byte === LT) this.#state = "lt";
        else if (byte === AMP) this.#entity = [];
        break;
      case "lt":
        this.#afterLt(byte);
        break;
      case "bang":
        this.#bang(byte);
        break;
      case "tag":
        this.#tag(byte);
        break;
      case "cdata":
        this.#until(byte, CDATA_CLOSE);
        break;
      case "pi":
        this.#until(byte, PI_CLOSE);
        break;
    }
  }

  #afterLt(byte: number): void {
    if (byte === BANG) {
      this.#state = "bang";
      this.#matched = 0;
    } else if (byte === QUESTION) {
      // RFC 6120 §11.1: no processing instructions; the XML declaration before <stream:stream> is allowed.
      if (this.#hasRoot) throw new XmppStreamError("restricted-xml", "processing instruction inside the stream");
      this.#state = "pi";
      this.#matched = 0;
    } else {
      this.#isEndTag = byte === SLASH;
      this.#state = "tag";
      this.#quote = 0;
    }
  }

  #bang(byte: number): void {
    // Only CDATA sections may follow "<!": DOCTYPE, ENTITY, comments are restricted (RFC 6120 §11.1).
    if (byte !== CDATA_OPEN.charCodeAt(this.#matched)) {
      throw new XmppStreamError("restricted-xml", "DTD, entity declaration or comment in the stream");
    }
    this.#matched += 1;
    if (this.#matched === CDATA_OPEN.length) {
      this.#state = "cdata";
      this.#matched = 0;
    }
  }

  #until(byte: number, close: string): void {
    // "]]]>" still closes a CDATA section: a third "]" keeps the two before the ">".
    if (close === CDATA_CLOSE && this.#matched === 2 && byte === 0x5d) return;
    if (byte === close.charCodeAt(this.#matched)) this.#matched += 1;
    else this.#matched = byte === close.charCodeAt(0) ? 1 : 0;
    if (this.#matched === close.length) {
      this.#state = "text";
      this.#matched = 0;
    }
  }

  #tag(byte: number): void {
    if (this.#quote !== 0) {
      if (byte === this.#quote) this.#quote = 0;
      else if (byte === AMP) this.#entity = [];
      else if (byte === LT) throw new XmppStreamError("not-well-formed", "'<' in an attribute value");
      return;
    }
    if (byte === QUOT || byte === APOS) {
      this.#quote = byte;
      return;
    }
    if (byte !== GT) return;
    this.#state = "text";
    if (this.#isEndTag) this.#close();
    else if (this.#previous === SLASH) this.#open(true);
    else this.#open(false);
  }

  #open(isSelfClosing: boolean): void {
    this.#depth += 1;
    if (this.#depth === 1) {
      this.#hasRoot = true;
      this.#bytes = 0;
    }
    if (this.#depth - 1 > this.limits.maxDepth) {
      throw new XmppStreamError("policy-violation", `elements nested deeper than ${this.limits.maxDepth}`);
    }
    if (isSelfClosing) this.#close();
  }

  #close(): void {
    this.#depth -= 1;
    if (this.#depth < 0) throw new XmppStreamError("not-well-formed", "end tag without a start tag");
    // A stanza (or the stream header) is complete: the next one starts with a fresh budget.
    if (this.#depth <= 1) this.#bytes = 0;
  }

  #entityByte(byte: number): void {
    const entity = this.#entity as number[];
    if (byte !== SEMI) {
      entity.push(byte);
      if (entity.length > MAX_ENTITY_LENGTH) throw new XmppStreamError("restricted-xml", "entity reference too long");
      return;
    }
    this.#entity = null;
    const name = String.fromCharCode(...entity);
    if (!isAllowedReference(name)) {
      // RFC 6120 §11.1: no entity references other than the predefined ones (and character references).
      throw new XmppStreamError("restricted-xml", `entity reference &${name.slice(0, 16)}; is not allowed`);
    }
    this.#previous = byte;
  }
}

function isAllowedReference(name: string): boolean {
  if (name === "amp" || name === "lt" || name === "gt" || name === "quot" || name === "apos") return true;
  return /^#(?:[0-9]{1,7}|x[0-9a-fA-F]{1,6})$/.test(name);
}

function indexOrEnd(chunk: Uint8Array, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at === -1 ? chunk.length : at;
}

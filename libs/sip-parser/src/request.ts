import { SipParseError } from "./errors.js";
import type { LazyNames } from "./header-fields.js";
import { SipMessage } from "./message.js";
import { mirrorHead } from "./mirror.js";
import type { Uri } from "./uri.js";
import { parseUri, parseUriC } from "./uri.js";

/** A SIP request (RFC 3261 §7.1). */
export class SipRequest extends SipMessage {
  readonly isRequest = true;
  /** Method, case-sensitive (RFC 3261 §7.1): "INVITE", "MESSAGE", or any extension token. */
  method: string;
  /** Request-URI as written. */
  uri: string;
  version: string;
  #parsedUri: Uri | undefined;

  /** @internal Use `parseSipMessage` or `createRequest`. */
  constructor(
    method: string,
    uri: string,
    version: string,
    names: string[] | LazyNames,
    keys: string[],
    values: string[],
    body?: Buffer | string,
  ) {
    super(names, keys, values, body);
    this.method = method;
    this.uri = uri;
    this.version = version;
  }

  /** The Request-URI, parsed (cached per URI string). */
  get requestUri(): Uri {
    if (this.#parsedUri === undefined || this.#parsedUri.raw !== this.uri) this.#parsedUri = this.#parseUri();
    return this.#parsedUri;
  }

  /** Parses `uri` in place in the parsed text while the start line there still holds it. */
  #parseUri(): Uri {
    const text = this.parsedText;
    const start = this.method.length + 1;
    const end = start + this.uri.length;
    if (
      text === undefined ||
      text.charCodeAt(start - 1) !== 32 ||
      text.charCodeAt(end) !== 32 ||
      !text.startsWith(this.method) ||
      !text.startsWith(this.uri, start)
    ) {
      return parseUri(this.uri);
    }
    try {
      return parseUriC(text, mirrorHead(text), start, end);
    } catch (e) {
      if (!(e instanceof SipParseError) || e.offset < 0) throw e;
      throw new SipParseError(e.message, { offset: e.offset - start, status: e.status, cause: e.cause });
    }
  }
}

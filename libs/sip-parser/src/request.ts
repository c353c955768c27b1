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
  readonly #uriAsParsed: string;
  readonly #methodAsParsed: string;

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
    this.#uriAsParsed = uri;
    this.#methodAsParsed = method;
    this.version = version;
  }

  /** The Request-URI, parsed (cached per URI string). */
  get requestUri(): Uri {
    if (this.#parsedUri === undefined || this.#parsedUri.raw !== this.uri) this.#parsedUri = this.#parseUri();
    return this.#parsedUri;
  }

  /** Parses `uri` in place in the parsed text while it is still the Request-URI parsed with it. */
  #parseUri(): Uri {
    const text = this.parsedText;
    // The start line opens the parsed text: method SP Request-URI SP version.
    if (text === undefined || this.uri !== this.#uriAsParsed) return parseUri(this.uri);
    const start = this.#methodAsParsed.length + 1;
    try {
      return parseUriC(text, mirrorHead(text), start, start + this.uri.length);
    } catch (e) {
      if (!(e instanceof SipParseError) || e.offset < 0) throw e;
      throw new SipParseError(e.message, { offset: e.offset - start, status: e.status, cause: e.cause });
    }
  }
}

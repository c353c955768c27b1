import type { LazyNames } from "./header-fields.js";
import { SipMessage } from "./message.js";
import type { Uri } from "./uri.js";
import { parseUri } from "./uri.js";

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
    if (this.#parsedUri === undefined || this.#parsedUri.raw !== this.uri) this.#parsedUri = parseUri(this.uri);
    return this.#parsedUri;
  }
}

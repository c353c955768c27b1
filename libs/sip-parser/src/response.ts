import type { LazyNames } from "./header-fields.js";
import { SipMessage } from "./message.js";

/** A SIP response (RFC 3261 §7.2). */
export class SipResponse extends SipMessage {
  readonly isRequest = false;
  status: number;
  /** Reason-Phrase as received (UTF-8 decoded, may be empty). */
  reason: string;
  version: string;

  /** @internal Use `parseSipMessage` or `createResponse`. */
  constructor(
    status: number,
    reason: string,
    version: string,
    names: string[] | LazyNames,
    keys: string[],
    values: string[],
    body?: Buffer | string,
  ) {
    super(names, keys, values, body);
    this.status = status;
    this.reason = reason;
    this.version = version;
  }
}

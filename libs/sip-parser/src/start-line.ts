import { has, TOKEN } from "./chars.js";
import { syntaxError } from "./errors.js";

export interface RequestLine {
  readonly kind: "request";
  readonly method: string;
  readonly uri: string;
  readonly version: string;
}

export interface StatusLine {
  readonly kind: "response";
  readonly version: string;
  readonly status: number;
  readonly reason: string;
}

const SIP_2_0 = "SIP/2.0";

/** True when `line` holds "SIP/2.0" (as nearly every message writes it) from `at` to `at + 7`. */
function isSip20At(line: string, at: number): boolean {
  return (
    at + 7 <= line.length &&
    line.charCodeAt(at) === 83 &&
    line.charCodeAt(at + 1) === 73 &&
    line.charCodeAt(at + 2) === 80 &&
    line.charCodeAt(at + 3) === 47 &&
    line.charCodeAt(at + 4) === 50 &&
    line.charCodeAt(at + 5) === 46 &&
    line.charCodeAt(at + 6) === 48
  );
}

const VERSION_RE = /^SIP\/(\d{1,3})\.(\d{1,3})$/i;

/** RFC 3261 §7.1: SIP-Version is "SIP/2.0"; another well-formed version gets 505 (RFC 4475 §3.1.2.16). */
function checkVersion(version: string, offset: number): void {
  if (version === "SIP/2.0") return;
  const m = VERSION_RE.exec(version);
  if (m === null) throw syntaxError(`malformed SIP-Version "${version}"`, offset);
  if (Number(m[1]) !== 2 || Number(m[2]) !== 0) {
    throw syntaxError(`unsupported SIP-Version "${version}"`, offset, 505);
  }
}

/**
 * Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 §7.1): exactly one SP between the
 * elements and none at the end (RFC 4475 §3.1.2.8-10 are rejected, not repaired).
 */
function parseRequestLine(line: string): RequestLine {
  const sp1 = line.indexOf(" ");
  if (sp1 <= 0) throw syntaxError("malformed Request-Line", 0);
  for (let i = 0; i < sp1; i++) {
    const c = line.charCodeAt(i);
    // Capitals inline (nearly every method is written in them) before the table lookup.
    if (!(c >= 65 && c <= 90) && !has(c, TOKEN)) throw syntaxError("method is not a token", i);
  }
  const sp2 = line.indexOf(" ", sp1 + 1);
  if (sp2 < 0) throw syntaxError("Request-Line has no SIP-Version", sp1);
  if (sp2 === sp1 + 1) throw syntaxError("more than one SP after the method", sp2);
  if (sp2 + 8 === line.length && isSip20At(line, sp2 + 1)) {
    return { kind: "request", method: line.slice(0, sp1), uri: line.slice(sp1 + 1, sp2), version: SIP_2_0 };
  }
  const version = line.slice(sp2 + 1);
  if (version.indexOf(" ") >= 0 || version.indexOf("\t") >= 0) {
    throw syntaxError("extra whitespace in Request-Line", sp2 + 1);
  }
  checkVersion(version, sp2 + 1);
  return { kind: "request", method: line.slice(0, sp1), uri: line.slice(sp1 + 1, sp2), version };
}

/** Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2); code is 3DIGIT, 100-699. */
function parseStatusLine(line: string): StatusLine {
  const sp1 = line.indexOf(" ");
  if (sp1 < 0) throw syntaxError("Status-Line has no status code", line.length);
  const version = sp1 === 7 && isSip20At(line, 0) ? SIP_2_0 : line.slice(0, sp1);
  checkVersion(version, 0);
  const c0 = line.charCodeAt(sp1 + 1) - 48;
  const c1 = line.charCodeAt(sp1 + 2) - 48;
  const c2 = line.charCodeAt(sp1 + 3) - 48;
  const after = sp1 + 4 < line.length ? line.charCodeAt(sp1 + 4) : -1;
  const isDigits = c0 >= 1 && c0 <= 6 && c1 >= 0 && c1 <= 9 && c2 >= 0 && c2 <= 9;
  // A missing SP before an empty reason is tolerated (RFC 4475 §3.1.1.13: "a liberal receiver would accept it").
  if (!isDigits || !(after === 32 || after === -1)) throw syntaxError("bad Status-Code", sp1 + 1);
  const reason = line.slice(sp1 + 5);
  for (let i = 0; i < reason.length; i++) {
    const c = reason.charCodeAt(i);
    if ((c < 0x20 && c !== 9) || c === 0x7f) throw syntaxError("control character in Reason-Phrase", sp1 + 5 + i);
  }
  return { kind: "response", version, status: c0 * 100 + c1 * 10 + c2, reason };
}

export function parseStartLine(line: string): RequestLine | StatusLine {
  if (line.length === 0) throw syntaxError("empty start line", 0);
  // "SIP/" (case-insensitive) can only start a Status-Line: "/" is not a token character.
  const isResponse =
    line.length > 4 &&
    line.charCodeAt(3) === 47 &&
    (line.charCodeAt(0) | 0x20) === 0x73 &&
    (line.charCodeAt(1) | 0x20) === 0x69 &&
    (line.charCodeAt(2) | 0x20) === 0x70;
  return isResponse ? parseStatusLine(line) : parseRequestLine(line);
}

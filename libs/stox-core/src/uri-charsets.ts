/** Character sets of the RFC 3261 §25.1 SIP URI grammar and of RFC 5322 dot-atom-text (im:/pres:). */

const ALNUM = /^[A-Za-z0-9]$/;
const MARK = "-_.!~*'()";

/** RFC 3261 `unreserved` = alphanum / mark. */
export function isUnreserved(ch: string): boolean {
  return ALNUM.test(ch) || MARK.includes(ch);
}

/** Characters allowed literally in a SIP `user` (unreserved / user-unreserved `& = + $ , ; ? /`). */
export function isSipUserChar(ch: string): boolean {
  return isUnreserved(ch) || "&=+$,;?/".includes(ch);
}

/** Characters allowed literally in a SIP `password` (unreserved / `& = + $ ,`). */
export function isSipPasswordChar(ch: string): boolean {
  return isUnreserved(ch) || "&=+$,".includes(ch);
}

/** RFC 3261 `paramchar` minus escapes: param-unreserved `[ ] / : & + $` / unreserved (CORE-ADDR-28). */
export function isSipParamChar(ch: string): boolean {
  return isUnreserved(ch) || "[]/:&+$".includes(ch);
}

/** RFC 3261 header name/value characters minus escapes: hnv-unreserved `[ ] / ? : + $` / unreserved. */
export function isSipHeaderChar(ch: string): boolean {
  return isUnreserved(ch) || "[]/?:+$".includes(ch);
}

/**
 * Characters kept literally in an `im:`/`pres:` local part. RFC 5322 `atext` allows more, but a URI cannot
 * carry `% # ?` (escape, fragment, query) or `{ | } ^ \`` (not in RFC 3986) literally, so those are encoded as
 * well (CORE-ADDR-26 applied to im:/pres:). `.` is encoded too, following the RFC 7247 §6.2 table literally
 * (CORE-ADDR-25).
 */
export function isImLocalChar(ch: string): boolean {
  return ALNUM.test(ch) || "!$&'*+-/=_~".includes(ch);
}

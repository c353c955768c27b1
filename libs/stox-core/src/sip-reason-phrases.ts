/** Default Reason-Phrases (RFC 3261 §21 and the extensions RFC 7247 §7 names). */
const PHRASES: ReadonlyMap<number, string> = new Map([
  [300, "Multiple Choices"],
  [301, "Moved Permanently"],
  [302, "Moved Temporarily"],
  [305, "Use Proxy"],
  [380, "Alternative Service"],
  [400, "Bad Request"],
  [401, "Unauthorized"],
  [402, "Payment Required"],
  [403, "Forbidden"],
  [404, "Not Found"],
  [405, "Method Not Allowed"],
  [406, "Not Acceptable"],
  [407, "Proxy Authentication Required"],
  [408, "Request Timeout"],
  [410, "Gone"],
  [415, "Unsupported Media Type"],
  [416, "Unsupported URI Scheme"],
  [480, "Temporarily Unavailable"],
  [491, "Request Pending"],
  [500, "Server Internal Error"],
  [501, "Not Implemented"],
  [503, "Service Unavailable"],
  [600, "Busy Everywhere"],
  [603, "Decline"],
  [604, "Does Not Exist Anywhere"],
  [606, "Not Acceptable"],
]);

/** The standard Reason-Phrase of a status code, or a generic one for its class. */
export function defaultReasonPhrase(status: number): string {
  return PHRASES.get(status) ?? (status >= 600 ? "Global Failure" : status >= 500 ? "Server Error" : "Request Failure");
}

/**
 * Turns free text (an XMPP `<text/>`) into a valid Reason-Phrase: no CR, LF or other controls
 * (RFC 3261 §25.1 `Reason-Phrase`), whitespace collapsed.
 */
export function sanitizeReasonPhrase(text: string): string {
  return text
    .replace(/\p{Cc}+/gu, " ")
    .replace(/\s+/gu, " ")
    .trim();
}

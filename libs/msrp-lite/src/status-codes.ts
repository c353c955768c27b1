/** MSRP status codes (IANA MSRP registry: RFC 4975 §10, RFC 4976, RFC 7701) with our reason phrases. */
export const MSRP_STATUS_TEXT: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Recipient Not Found",
  408: "Request Timeout",
  413: "Message Too Large",
  415: "Unsupported Media Type",
  423: "Out Of Bounds",
  424: "Malformed Nickname",
  425: "Nickname Unavailable",
  428: "Private Messages Not Supported",
  481: "Session Does Not Exist",
  501: "Not Implemented",
  506: "Session Bound Elsewhere",
};

/** Methods this package parses with their own rules; any other method gets 501 (MSRP-FMT-08). */
export const KNOWN_METHODS: ReadonlySet<string> = new Set(["SEND", "REPORT", "NICKNAME"]);

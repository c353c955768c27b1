/** A parsed `msrp:` / `msrps:` URI (RFC 4975 §6, §9). Values are kept as written. */
export interface MsrpUri {
  readonly scheme: "msrp" | "msrps";
  /** userinfo without the `@`; never a password (RFC 4975 §6). */
  readonly user?: string;
  /** Host as written: reg-name, IPv4, or IPv6 literal including the brackets. */
  readonly host: string;
  readonly port?: number;
  readonly sessionId?: string;
  /** Transport parameter, e.g. `tcp` (or `ws` for RFC 7977). */
  readonly transport: string;
  /** Further `;name[=value]` parameters, in order. */
  readonly params: readonly MsrpUriParam[];
}

export interface MsrpUriParam {
  readonly name: string;
  readonly value?: string;
}

/** `Byte-Range: start-end/total`; `end` and `total` are `"*"` when unknown (RFC 4975 §7.1.1). */
export interface ByteRange {
  readonly start: number;
  readonly end: number | "*";
  readonly total: number | "*";
}

/** `Status: 000 200 OK` in REPORT requests. */
export interface MsrpStatus {
  readonly namespace: string;
  readonly code: number;
  readonly comment?: string;
}

/** Any header this package keeps as text: extension headers and MIME headers. */
export interface MsrpHeader {
  readonly name: string;
  readonly value: string;
}

/** End-line flag: `$` last chunk, `+` more to come, `#` message abandoned (RFC 4975 §7.1). */
export type EndFlag = "$" | "+" | "#";

export type SuccessReport = "yes" | "no";
export type FailureReport = "yes" | "no" | "partial";

/** An MSRP request: SEND, REPORT, NICKNAME (RFC 7701) or any other method. */
export interface MsrpRequest {
  readonly kind: "request";
  readonly transactionId: string;
  readonly method: string;
  readonly toPath: readonly MsrpUri[];
  readonly fromPath: readonly MsrpUri[];
  readonly messageId?: string;
  readonly byteRange?: ByteRange;
  readonly successReport?: SuccessReport;
  readonly failureReport?: FailureReport;
  readonly status?: MsrpStatus;
  /** RFC 7701 `Use-Nickname`, unescaped; `""` removes the nickname. */
  readonly useNickname?: string;
  /** Headers this package does not interpret, in wire order (RFC 4975 §12: kept, not acted on). */
  readonly extensionHeaders: readonly MsrpHeader[];
  /** Content-ID, Content-Description, Content-Disposition and other `Content-*` MIME headers. */
  readonly mimeHeaders: readonly MsrpHeader[];
  /** Present exactly when the request has a body (which may be empty). */
  readonly contentType?: string;
  /** Absent for a bodiless request; an empty array for an empty body (MSRP-FMT-04). */
  readonly body?: Uint8Array;
  readonly endFlag: EndFlag;
}

/** An MSRP transaction response; it never has a body and always ends with `$`. */
export interface MsrpResponse {
  readonly kind: "response";
  readonly transactionId: string;
  readonly statusCode: number;
  readonly comment?: string;
  readonly toPath: readonly MsrpUri[];
  readonly fromPath: readonly MsrpUri[];
  readonly extensionHeaders: readonly MsrpHeader[];
}

export type MsrpMessage = MsrpRequest | MsrpResponse;

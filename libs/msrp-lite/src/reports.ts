import { newTransactionId } from "./ident.js";
import { respondTo } from "./responses.js";
import { MSRP_STATUS_TEXT } from "./status-codes.js";
import type { ByteRange, MsrpRequest, MsrpResponse, MsrpUri } from "./types.js";

export interface ReportOptions {
  /** Our URI for From-Path; default the last URI of the SEND's To-Path. */
  readonly localUri?: MsrpUri;
  readonly transactionId?: string;
  readonly comment?: string;
}

function report(send: MsrpRequest, statusCode: number, byteRange: ByteRange, options: ReportOptions): MsrpRequest {
  const self = options.localUri ?? send.toPath.at(-1);
  if (self === undefined || send.messageId === undefined) throw new RangeError("SEND lacks To-Path or Message-ID");
  const comment = options.comment ?? MSRP_STATUS_TEXT[statusCode];
  // RFC 4975 §7.1.2 (MSRP-RPT-01): To-Path = the SEND's From-Path, From-Path = us, same Message-ID,
  // `Status: 000 <code>`, no report-request headers, no body.
  return {
    kind: "request",
    transactionId: options.transactionId ?? newTransactionId(),
    method: "REPORT",
    toPath: [...send.fromPath],
    fromPath: [self],
    messageId: send.messageId,
    byteRange,
    status: { namespace: "000", code: statusCode, ...(comment !== undefined ? { comment } : {}) },
    extensionHeaders: [],
    mimeHeaders: [],
    endFlag: "$",
  };
}

/** Byte range actually carried by one chunk, computed from its payload (MSRP-RECV-03, MSRP-RPT-03). */
export function receivedRange(send: MsrpRequest): ByteRange {
  const start = send.byteRange?.start ?? 1;
  const length = send.body?.length ?? 0;
  const total = send.byteRange?.total ?? (send.endFlag === "$" && start === 1 ? length : "*");
  return { start, end: start + length - 1, total };
}

/**
 * A success REPORT (RFC 4975 §7.1.3, MSRP-RPT-01/02), or undefined unless the SEND asked with
 * `Success-Report: yes`. `byteRange` defaults to the bytes of this chunk; pass `1-N/N` to report a
 * whole reassembled message once.
 */
export function buildSuccessReport(
  send: MsrpRequest,
  options: ReportOptions & { readonly byteRange?: ByteRange } = {},
): MsrpRequest | undefined {
  if (send.method !== "SEND" || send.successReport !== "yes") return undefined;
  return report(send, 200, options.byteRange ?? receivedRange(send), options);
}

/**
 * A failure REPORT for a chunk (RFC 4975 §7.1.4, MSRP-RPT-03), or undefined when the SEND said
 * `Failure-Report: no`. Range-start and total come from the SEND, range-end from the bytes received.
 */
export function buildFailureReport(
  send: MsrpRequest,
  statusCode: number,
  options: ReportOptions & { readonly receivedBytes?: number } = {},
): MsrpRequest | undefined {
  if (send.method !== "SEND" || send.failureReport === "no" || statusCode === 200) return undefined;
  const start = send.byteRange?.start ?? 1;
  const received = options.receivedBytes ?? send.body?.length ?? 0;
  const total = send.byteRange?.total ?? "*";
  return report(send, statusCode, { start, end: start + received - 1, total }, options);
}

/** What a receiver sends back for one SEND chunk. */
export interface SendReplies {
  readonly response?: MsrpResponse;
  readonly reports: readonly MsrpRequest[];
}

/**
 * Answers one received SEND per its report headers (RFC 4975 §5.3, §7.2, §7.3.1; msrp.md §6.1 table):
 * the transaction response if allowed, and, when `statusCode` is 200 and the message is complete
 * (`messageBytes` given), a success REPORT for the whole message if `Success-Report: yes`.
 * Errors go in the transaction response; failure REPORTs are for failures learned later
 * ({@link buildFailureReport}).
 */
export function answerSend(
  send: MsrpRequest,
  statusCode: number,
  options: ReportOptions & { readonly messageBytes?: number } = {},
): SendReplies {
  const response = respondTo(send, statusCode, options.localUri ? { localUri: options.localUri } : {});
  const reports: MsrpRequest[] = [];
  if (statusCode === 200 && options.messageBytes !== undefined) {
    const n = options.messageBytes;
    const success = buildSuccessReport(send, { ...options, byteRange: { start: 1, end: n, total: n } });
    if (success) reports.push(success);
  }
  return { ...(response ? { response } : {}), reports };
}

import type { MsrpParseError } from "./errors.js";
import { MSRP_STATUS_TEXT } from "./status-codes.js";
import type { FailureReport, MsrpRequest, MsrpResponse, MsrpUri } from "./types.js";

/**
 * Whether a transaction response may be sent for this request and status (RFC 4975 §5.3, §7.1.2, §7.2):
 * never for REPORT (MSRP-RESP-03); never with `Failure-Report: no`; only non-200 with `partial`;
 * always with `yes` or no Failure-Report header.
 */
export function shouldRespond(
  method: string,
  failureReport: FailureReport | string | undefined,
  statusCode: number,
): boolean {
  if (method === "REPORT") return false;
  if (failureReport === "no") return false;
  if (failureReport === "partial") return statusCode !== 200;
  return true;
}

export interface ResponseOptions {
  /** Reason phrase; default from {@link MSRP_STATUS_TEXT}. */
  readonly comment?: string;
  /** Our URI for From-Path; default the last URI of the request's To-Path (that is us). */
  readonly localUri?: MsrpUri;
}

function responsePaths(
  method: string,
  toPath: readonly MsrpUri[],
  fromPath: readonly MsrpUri[],
  localUri: MsrpUri | undefined,
): { toPath: MsrpUri[]; fromPath: MsrpUri[] } | undefined {
  const self = localUri ?? toPath.at(-1);
  const previousHop = fromPath[0];
  if (self === undefined || previousHop === undefined) return undefined;
  // RFC 4975 §7.2 (MSRP-RESP-01): a SEND is answered to the previous hop only; other methods along the
  // whole From-Path.
  return { toPath: method === "SEND" ? [previousHop] : [...fromPath], fromPath: [self] };
}

/** Builds the response to `request` regardless of report rules (see {@link respondTo} for the checked form). */
export function buildResponse(request: MsrpRequest, statusCode: number, options: ResponseOptions = {}): MsrpResponse {
  const paths = responsePaths(request.method, request.toPath, request.fromPath, options.localUri);
  if (paths === undefined) throw new RangeError("request has no From-Path/To-Path to answer along");
  const comment = options.comment ?? MSRP_STATUS_TEXT[statusCode];
  return {
    kind: "response",
    transactionId: request.transactionId,
    statusCode,
    ...(comment !== undefined ? { comment } : {}),
    ...paths,
    extensionHeaders: [],
  };
}

/** The response to send, or undefined when the rules of {@link shouldRespond} forbid one. */
export function respondTo(
  request: MsrpRequest,
  statusCode: number,
  options: ResponseOptions = {},
): MsrpResponse | undefined {
  return shouldRespond(request.method, request.failureReport, statusCode)
    ? buildResponse(request, statusCode, options)
    : undefined;
}

/**
 * The error response for a frame the parser rejected, or undefined when none may or can be sent:
 * unknown transaction id, a response or REPORT, `Failure-Report: no`, or no parsed From-Path.
 */
export function buildErrorResponse(error: MsrpParseError, options: ResponseOptions = {}): MsrpResponse | undefined {
  const { transactionId, method, toPath = [], fromPath = [], failureReport } = error.context;
  if (transactionId === undefined || method === undefined) return undefined;
  if (!shouldRespond(method, failureReport, error.statusCode)) return undefined;
  const paths = responsePaths(method, toPath, fromPath, options.localUri);
  if (paths === undefined) return undefined;
  const comment = options.comment ?? MSRP_STATUS_TEXT[error.statusCode];
  return {
    kind: "response",
    transactionId,
    statusCode: error.statusCode,
    ...(comment !== undefined ? { comment } : {}),
    ...paths,
    extensionHeaders: [],
  };
}

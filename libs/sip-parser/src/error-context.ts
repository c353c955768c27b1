import type { SipErrorContext } from "./errors.js";
import { SipParseError } from "./errors.js";
import type { RequestLine, StatusLine } from "./start-line.js";

/** What is known about a message when parsing fails, used to fill `SipParseError.context`. */
export interface PartialMessage {
  startLine: RequestLine | StatusLine | undefined;
  keys: readonly string[];
  values: readonly string[];
}

export function buildContext(partial: PartialMessage): SipErrorContext {
  const via: string[] = [];
  let from: string | undefined;
  let to: string | undefined;
  let callId: string | undefined;
  let cseq: string | undefined;
  const { keys, values } = partial;
  for (let i = 0; i < keys.length; i++) {
    const v = values[i] ?? "";
    switch (keys[i]) {
      case "via":
        via.push(v);
        break;
      case "from":
        from ??= v;
        break;
      case "to":
        to ??= v;
        break;
      case "call-id":
        callId ??= v;
        break;
      case "cseq":
        cseq ??= v;
        break;
    }
  }
  const line = partial.startLine;
  const base = { via, from, to, callId, cseq };
  if (line?.kind === "request") {
    return { ...base, requestLine: { method: line.method, uri: line.uri, version: line.version } };
  }
  if (line?.kind === "response") return { ...base, statusCode: line.status };
  return base;
}

/** Re-creates `error` with the message context attached (errors are immutable once thrown). */
export function withContext(error: SipParseError, partial: PartialMessage): SipParseError {
  if (error.context !== undefined) return error;
  return new SipParseError(error.message, {
    offset: error.offset,
    status: error.status,
    context: buildContext(partial),
    cause: error.cause,
  });
}

import { type CpimMessage, unwrapCpim } from "@stox/msrp-lite";
import { type MediaType, paramValue, parseMediaType, parseMultipart } from "@stox/sip-parser";
import {
  type Disposition,
  IMDN_CPIM_NS,
  IMDN_TYPE,
  type ImdnNotification,
  parseDispositions,
  parseImdn,
} from "./imdn.js";
import { type ComposingState, IS_COMPOSING_TYPE, parseIsComposing } from "./is-composing.js";

/** IM-CT-04: the types this mapper takes (text/html is refused: see README, IM-CT-02). */
export const ACCEPTED_TYPES = [
  "text/plain",
  "message/cpim",
  "multipart/alternative",
  "multipart/mixed",
  "multipart/related",
  IS_COMPOSING_TYPE,
] as const;

/** What a MESSAGE body amounts to on the XMPP side. */
export type SipBodyContent =
  | { readonly kind: "text"; readonly text: string; readonly imdn?: ImdnRequest }
  | { readonly kind: "is-composing"; readonly state: ComposingState }
  | { readonly kind: "imdn"; readonly notification: ImdnNotification }
  | { readonly kind: "empty" };

/** RFC 5438 §6.3 request carried in the CPIM wrapper of a message. */
export interface ImdnRequest {
  readonly messageId: string;
  readonly dateTime?: string;
  readonly dispositions: readonly Disposition[];
}

/** The body cannot be taken: 415 with Accept (IM-CT-04, IM-S2X-18, IM-SEC-03). */
export class UnsupportedBodyError extends Error {
  override readonly name = "UnsupportedBodyError";
  readonly code = "STOX_CHAT_UNSUPPORTED_BODY";
}

export interface RawSipBody {
  readonly contentType?: string | undefined;
  readonly body?: string | undefined;
  readonly bodyEncoding?: "utf8" | "base64" | undefined;
}

function bytesOf(raw: RawSipBody): Buffer {
  return Buffer.from(raw.body ?? "", raw.bodyEncoding === "base64" ? "base64" : "utf8");
}

/** IM-S2X-18: decode with the charset parameter (default UTF-8); unknown or undecodable -> 415. */
function decodeText(bytes: Uint8Array, media: MediaType): string {
  const charset = (paramValue(media.params, "charset") ?? "utf-8").toLowerCase();
  try {
    return new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new UnsupportedBodyError(`charset ${JSON.stringify(charset)} is unknown or does not decode the body`, {
      cause,
    });
  }
}

function parseType(value: string): MediaType {
  try {
    return parseMediaType(value);
  } catch (cause) {
    throw new UnsupportedBodyError(`unreadable Content-Type ${JSON.stringify(value.slice(0, 80))}`, { cause });
  }
}

function mediaName(media: MediaType): string {
  return `${media.type}/${media.subtype}`;
}

function imdnRequestOf(cpim: CpimMessage): ImdnRequest | undefined {
  const prefix = cpim.ns.find((n) => n.uri === IMDN_CPIM_NS)?.prefix;
  if (prefix === undefined) return undefined;
  const header = (name: string) => cpim.headers.find((h) => h.name === `${prefix}.${name}`)?.value;
  const messageId = header("Message-ID");
  if (messageId === undefined) return undefined;
  return {
    messageId,
    dispositions: parseDispositions(header("Disposition-Notification")),
    ...(cpim.dateTime === undefined ? {} : { dateTime: cpim.dateTime }),
  };
}

function fromCpim(bytes: Uint8Array): SipBodyContent {
  let cpim: CpimMessage;
  try {
    cpim = unwrapCpim(bytes);
  } catch (cause) {
    throw new UnsupportedBodyError("message/cpim body does not parse (RFC 3862)", { cause });
  }
  // IM-CT-03 / CORE-SEC-08: CPIM From/To never decide identity; only the inner content and IMDN fields are used.
  const inner = parseType(cpim.contentType);
  if (mediaName(inner) === IMDN_TYPE) {
    try {
      return { kind: "imdn", notification: parseImdn(decodeText(cpim.body, inner)) };
    } catch (cause) {
      throw new UnsupportedBodyError("message/imdn+xml body does not parse (RFC 5438)", { cause });
    }
  }
  const content = decodeContent(cpim.body, inner, false);
  const imdn = imdnRequestOf(cpim);
  return content.kind === "text" && imdn !== undefined ? { ...content, imdn } : content;
}

function fromMultipart(bytes: Uint8Array, media: MediaType): SipBodyContent {
  const boundary = paramValue(media.params, "boundary");
  if (!boundary) throw new UnsupportedBodyError("multipart body without a boundary");
  let parts: ReturnType<typeof parseMultipart>;
  try {
    parts = parseMultipart(bytes, boundary);
  } catch (cause) {
    throw new UnsupportedBodyError("multipart body does not parse", { cause });
  }
  // IM-CT-03: the (first) text/plain part; html is not enabled, so alternative and mixed behave the same.
  for (const part of parts) {
    const type = parseType(part.header("content-type") ?? "text/plain");
    if (mediaName(type) === "text/plain") return decodeContent(part.body, type, false);
  }
  throw new UnsupportedBodyError(`${mediaName(media)} has no text/plain part`);
}

function decodeContent(bytes: Uint8Array, media: MediaType, isOuter: boolean): SipBodyContent {
  const name = mediaName(media);
  switch (name) {
    case "text/plain": {
      const text = decodeText(bytes, media);
      return text === "" ? { kind: "empty" } : { kind: "text", text };
    }
    case IS_COMPOSING_TYPE:
      try {
        return { kind: "is-composing", state: parseIsComposing(decodeText(bytes, media)) };
      } catch (cause) {
        throw new UnsupportedBodyError("isComposing body does not parse (RFC 3994)", { cause });
      }
    case "message/cpim":
      if (!isOuter) break; // no CPIM inside CPIM or multipart: nothing the gateway could use
      return fromCpim(bytes);
    case "multipart/alternative":
    case "multipart/mixed":
    case "multipart/related":
      if (!isOuter) break;
      return fromMultipart(bytes, media);
  }
  // IM-SEC-03: S/MIME (application/pkcs7-mime, multipart/signed) falls here too: it cannot cross.
  throw new UnsupportedBodyError(`unsupported body type ${name}`);
}

/**
 * Reads a MESSAGE body (RFC 7572 §7; IM-CT-01..04, IM-S2X-18, IM-SEC-03). No body, or a Content-Type-less
 * empty body, is "empty". Throws {@link UnsupportedBodyError} for anything that must get 415.
 */
export function readSipBody(raw: RawSipBody): SipBodyContent {
  // Fast path for the common case: UTF-8 text/plain arrives as a string already.
  if (raw.body === undefined || raw.body === "") return { kind: "empty" };
  const media = parseType(raw.contentType ?? "text/plain");
  const charset = paramValue(media.params, "charset")?.toLowerCase();
  if (
    mediaName(media) === "text/plain" &&
    raw.bodyEncoding !== "base64" &&
    (charset === undefined || charset === "utf-8" || charset === "utf8")
  ) {
    return { kind: "text", text: raw.body };
  }
  return decodeContent(bytesOf(raw), media, true);
}

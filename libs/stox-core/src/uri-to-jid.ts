import type { AddressUri, ImPresUri, SipUri } from "./address-uri.js";
import { uriParam } from "./address-uri.js";
import { createBoundedMemo, isMemoEnabled } from "./bounded-memo.js";
import { isIpLiteral, toJidDomain } from "./domain.js";
import { AddressMappingError, type UnmappableReason } from "./errors.js";
import { enforceLocalpart, enforceResourcepart, freezeEnforcedJid, type Jid } from "./jid.js";
import { escapeLocalpart } from "./jid-escaping.js";
import { percentDecodeUtf8 } from "./percent-encoding.js";
import { mapUsernameCaseMapped } from "./precis/profiles.js";
import { formatAddressUri, parseAddressUri } from "./sip-uri.js";

/** Options for SIP -> XMPP address mapping (S2X). */
export interface UriToJidOptions {
  /** CORE-SEC-02: map `sips:` anyway (only under a bilateral agreement). Default false. */
  readonly allowSips?: boolean;
  /** CORE-DOM-05: configured domains for IP-literal hosts, e.g. `{ "192.0.2.7": "sip.test" }`. */
  readonly ipLiteralDomains?: Readonly<Record<string, string>>;
  /** CORE-URI-03: configured domain for `tel:` numbers; without it `tel:` is unmappable. */
  readonly telDomain?: string;
}

/** The mapped JID plus facts a caller may want to log or count. */
export interface UriToJidResult {
  readonly jid: Jid;
  /** CORE-CASE-03: case, width or normalisation changed the user part, so other SIP users may collide with it. */
  readonly localFolded: boolean;
  /** CORE-ADDR-17: a `gr` value was present but is not a valid resourcepart, so the bare JID was used. */
  readonly resourceDropped: boolean;
}

function unmappable(message: string, reason: UnmappableReason, input: string, cause?: unknown): never {
  throw new AddressMappingError(message, reason, input, cause === undefined ? undefined : { cause });
}

function stripDot(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

function mapHost(host: string, input: string, options: UriToJidOptions): string {
  const bare = stripDot(host);
  let domain = bare;
  if (isIpLiteral(bare)) {
    const configured = options.ipLiteralDomains?.[bare.toLowerCase()];
    if (configured === undefined) unmappable(`IP-literal host ${host} has no configured domain`, "ip-literal", input);
    if (isIpLiteral(configured)) unmappable(`IP-literal host ${host} is mapped to another IP`, "ip-literal", input);
    domain = configured;
  }
  try {
    return toJidDomain(domain);
  } catch (cause) {
    return unmappable(`host "${domain}" is not a valid domain`, "invalid-domain", input, cause);
  }
}

// CORE-ADDR-12..15: decode, fold, escape, enforce; refuse rather than return a half-mapped localpart.
function mapLocal(escapedUser: string, input: string): { local: string; folded: boolean } {
  const decoded = percentDecodeUtf8(escapedUser);
  if (decoded === undefined) unmappable("the user part is not valid UTF-8 after percent-decoding", "bad-utf8", input);
  // Case, width and NFC are applied before escaping, so folding cannot turn `\5C` into an escape sequence.
  const mapped = mapUsernameCaseMapped(decoded);
  if (mapped.startsWith(" ") || mapped.endsWith(" ")) {
    unmappable("XEP-0106 forbids \\20 at the start or end of a localpart", "invalid-localpart", input);
  }
  const escaped = escapeLocalpart(mapped);
  let local: string;
  try {
    local = enforceLocalpart(escaped);
  } catch (cause) {
    return unmappable(`the user part cannot be a JID localpart`, "invalid-localpart", input, cause);
  }
  if (local !== escaped) unmappable("enforcement changed the escaped localpart", "invalid-localpart", input);
  return { local, folded: mapped !== decoded };
}

// CORE-ADDR-17/18: only a `gr` with a value becomes a resource; an invalid one falls back to the bare JID.
function mapResource(uri: SipUri): { resource?: string; dropped: boolean } {
  const gr = uriParam(uri, "gr");
  if (gr === undefined || gr === null || gr === "") return { dropped: false };
  const decoded = percentDecodeUtf8(gr);
  if (decoded === undefined) return { dropped: true };
  try {
    return { resource: enforceResourcepart(decoded), dropped: false };
  } catch {
    return { dropped: true };
  }
}

/** A mapping plus what the memo needs to know about it. */
interface Mapped {
  readonly result: UriToJidResult;
  /** The result holds only when `allowSips` is set (CORE-SEC-02). */
  readonly isSips: boolean;
  /** The result came from `ipLiteralDomains` (CORE-DOM-05), so it depends on more than the memo key. */
  readonly usedIpConfig: boolean;
}

function mapParsed(parsed: AddressUri, input: string, options: UriToJidOptions): Mapped {
  if (parsed.scheme === "tel") {
    if (options.telDomain === undefined) unmappable("tel: URIs have no domain (RFC 7247 §6.1)", "tel-uri", input);
    const { local, folded } = mapLocal(parsed.number, input);
    const jid = freezeEnforcedJid({ local, domain: mapHost(options.telDomain, input, options) });
    const result = Object.freeze({ jid, localFolded: folded, resourceDropped: false });
    return { result, isSips: false, usedIpConfig: isIpLiteral(stripDot(options.telDomain)) };
  }
  if (parsed.scheme === "sips" && options.allowSips !== true) {
    unmappable("SIPS cannot cross the XMPP gateway (RFC 7247 §8)", "sips-refused", input);
  }
  const sip = parsed.scheme === "sip" || parsed.scheme === "sips" ? parsed : undefined;
  const user = sip ? sip.user : (parsed as ImPresUri).local;
  const host = sip ? sip.host : (parsed as ImPresUri).domain;
  if (user === undefined) unmappable("the URI has no user part", "no-user", input);
  const domain = mapHost(host, input, options);
  const { local, folded } = mapLocal(user, input);
  const { resource, dropped } = sip ? mapResource(sip) : { dropped: false };
  // local, domain and resource are enforced above; enforcing again would only repeat the work.
  const jid = freezeEnforcedJid({ local, domain, resource });
  const result = Object.freeze({ jid, localFolded: folded, resourceDropped: dropped });
  return { result, isSips: parsed.scheme === "sips", usedIpConfig: isIpLiteral(stripDot(host)) };
}

function mapText(uri: string, options: UriToJidOptions): Mapped {
  if (!/^(sips?|im|pres|tel):/i.test(uri)) {
    unmappable(`"${uri}" is not a sip, sips, im, pres or tel URI`, "unsupported-scheme", uri);
  }
  let parsed: AddressUri;
  try {
    parsed = parseAddressUri(uri);
  } catch (cause) {
    return unmappable(`"${uri}" is not a SIP, im, pres or tel URI`, "invalid-uri", uri, cause);
  }
  return mapParsed(parsed, uri, options);
}

// Issue #8: URI text -> mapping. An entry depends only on its key: `tel:` keys carry the telDomain, results
// built from `ipLiteralDomains` are not stored, and the `allowSips` check runs again on every hit.
const mappedUris = createBoundedMemo<Mapped>({ maxEntries: 8192, maxKeyLength: 512 });

function memoKeyOf(uri: string, options: UriToJidOptions): string | undefined {
  // Most URIs start with "s": skip the regex unless the first letter is a t or T.
  if ((uri.charCodeAt(0) | 0x20) !== 0x74 || !/^tel:/i.test(uri)) return uri;
  const telDomain = options.telDomain;
  // Starts with a digit, so it cannot equal a sip/sips/im/pres URI.
  return telDomain === undefined ? undefined : `${telDomain.length}:${telDomain}:${uri}`;
}

function mapTextMemoized(uri: string, options: UriToJidOptions): UriToJidResult {
  const key = memoKeyOf(uri, options);
  if (key === undefined || key.length > mappedUris.maxKeyLength || !isMemoEnabled())
    return mapText(uri, options).result;
  const hit = mappedUris.get(key);
  if (hit !== undefined && (!hit.isSips || options.allowSips === true)) return hit.result;
  const mapped = mapText(uri, options);
  if (!mapped.usedIpConfig) mappedUris.set(key, mapped);
  return mapped.result;
}

/**
 * Maps a SIP-side address URI to a JID, RFC 7247 §6.4 (CORE-ADDR-10..18, CORE-URI-01..05, CORE-DOM-02..05).
 * Every URI parameter except `gr` and every URI header is discarded. Throws {@link AddressMappingError}.
 * The result is frozen and may be shared between callers.
 */
export function mapUriToJid(uri: string | AddressUri, options: UriToJidOptions = {}): UriToJidResult {
  if (typeof uri === "string") return mapTextMemoized(uri, options);
  return mapParsed(uri, formatAddressUri(uri), options).result;
}

/** Convenience form of {@link mapUriToJid} that returns only the JID. */
export function uriToJid(uri: string | AddressUri, options: UriToJidOptions = {}): Jid {
  return mapUriToJid(uri, options).jid;
}

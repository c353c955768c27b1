import type { AddressUri, ImPresUri, SipUri, TelUri, UriHeader, UriParam } from "./address-uri.js";
import { UriParseError } from "./errors.js";
import { isSipHeaderChar, isSipParamChar, isSipPasswordChar, isSipUserChar } from "./uri-charsets.js";

/**
 * A small parser for the address URIs the mapping needs (RFC 3261 §19.1 / §25.1, RFC 3860, RFC 3859,
 * RFC 3966). It validates the character repertoire of each part and keeps escapes as they are. The full
 * SIP message parser is `@stox/sip-parser`; this one only reads single URIs.
 */

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\.?$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6_REFERENCE = /^\[[0-9A-Fa-f:.]+\]$/;
const TEL_NUMBER = /^\+?[0-9A-Fa-f*#().\-pw]+$/;

function fail(message: string, offset: number): never {
  throw new UriParseError(message, offset);
}

/** Checks that `text` uses only `isChar` characters and well-formed `%HH` escapes. */
function checkChars(text: string, isChar: (ch: string) => boolean, what: string, offset: number): void {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === "%") {
      if (!/^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) fail(`bad escape in ${what}`, offset + i);
      i += 2;
    } else if (!isChar(ch)) {
      fail(`character "${ch}" is not allowed in ${what}`, offset + i);
    }
  }
}

function checkHost(host: string, offset: number): void {
  if (host === "") fail("the host is empty", offset);
  if (!(HOSTNAME.test(host) || IPV4.test(host) || IPV6_REFERENCE.test(host))) fail(`"${host}" is not a host`, offset);
}

function parseParams(text: string, offset: number): UriParam[] {
  if (text === "") return [];
  return text.split(";").map((part, i) => {
    const eq = part.indexOf("=");
    const name = eq === -1 ? part : part.slice(0, eq);
    if (name === "") fail("empty URI parameter name", offset + i);
    checkChars(name, isSipParamChar, "a parameter name", offset);
    if (eq === -1) return { name: name.toLowerCase() };
    const value = part.slice(eq + 1);
    checkChars(value, isSipParamChar, "a parameter value", offset);
    return { name: name.toLowerCase(), value };
  });
}

function parseHeaders(text: string | undefined, offset: number): UriHeader[] {
  if (text === undefined) return [];
  return text.split("&").map((part) => {
    const eq = part.indexOf("=");
    if (eq <= 0) fail("a URI header needs name=value", offset);
    const name = part.slice(0, eq);
    const value = part.slice(eq + 1);
    checkChars(name, isSipHeaderChar, "a header name", offset);
    checkChars(value, isSipHeaderChar, "a header value", offset);
    return { name, value };
  });
}

function splitQuery(text: string): [string, string | undefined] {
  const q = text.indexOf("?");
  return q === -1 ? [text, undefined] : [text.slice(0, q), text.slice(q + 1)];
}

function parseSip(scheme: "sip" | "sips", body: string, base: number): SipUri {
  const at = body.indexOf("@");
  if (at !== body.lastIndexOf("@")) fail("more than one '@'", base + body.lastIndexOf("@"));
  let userinfo: string | undefined;
  let rest = body;
  if (at !== -1) {
    userinfo = body.slice(0, at);
    rest = body.slice(at + 1);
  }
  const restBase = base + (at + 1);
  const [beforeQuery, headerText] = splitQuery(rest);
  const semi = beforeQuery.indexOf(";");
  const hostport = semi === -1 ? beforeQuery : beforeQuery.slice(0, semi);
  const paramText = semi === -1 ? "" : beforeQuery.slice(semi + 1);
  const portMatch = /^(.*?)(?::(\d{1,5}))?$/.exec(hostport);
  const host = portMatch?.[1] ?? "";
  checkHost(host, restBase);
  const port = portMatch?.[2] === undefined ? undefined : Number(portMatch[2]);
  if (port !== undefined && port > 65535) fail("port out of range", restBase + host.length);
  let user: string | undefined;
  let password: string | undefined;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(":");
    user = colon === -1 ? userinfo : userinfo.slice(0, colon);
    password = colon === -1 ? undefined : userinfo.slice(colon + 1);
    if (user === "") fail("empty user part", base);
    checkChars(user, isSipUserChar, "the user part", base);
    if (password !== undefined) checkChars(password, isSipPasswordChar, "the password", base + colon + 1);
  }
  return Object.freeze({
    scheme,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    host,
    ...(port === undefined ? {} : { port }),
    params: Object.freeze(parseParams(paramText, restBase + hostport.length + 1)),
    headers: Object.freeze(parseHeaders(headerText, restBase)),
  });
}

function parseImPres(scheme: "im" | "pres", body: string, base: number): ImPresUri {
  const [address, headerText] = splitQuery(body);
  const at = address.indexOf("@");
  if (at <= 0) fail(`${scheme}: URI needs local@domain`, base);
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  checkChars(local, (ch) => ch > " " && ch < "\x7f" && !'@?#<>"'.includes(ch), "the local part", base);
  checkHost(domain, base + at + 1);
  return Object.freeze({ scheme, local, domain, headers: Object.freeze(parseHeaders(headerText, base)) });
}

function parseTel(body: string, base: number): TelUri {
  const semi = body.indexOf(";");
  const number = semi === -1 ? body : body.slice(0, semi);
  if (!TEL_NUMBER.test(number)) fail(`"${number}" is not a telephone number`, base);
  const params = semi === -1 ? [] : parseParams(body.slice(semi + 1), base + semi + 1);
  return Object.freeze({ scheme: "tel", number, params: Object.freeze(params) });
}

/** Parses a `sip:`, `sips:`, `im:`, `pres:` or `tel:` URI; the scheme is case-insensitive. Throws {@link UriParseError}. */
export function parseAddressUri(text: string): AddressUri {
  const colon = text.indexOf(":");
  if (colon <= 0) fail("no URI scheme", 0);
  const scheme = text.slice(0, colon).toLowerCase();
  const body = text.slice(colon + 1);
  const base = colon + 1;
  switch (scheme) {
    case "sip":
    case "sips":
      return parseSip(scheme, body, base);
    case "im":
    case "pres":
      return parseImPres(scheme, body, base);
    case "tel":
      return parseTel(body, base);
    default:
      return fail(`unsupported URI scheme "${scheme}"`, 0);
  }
}

/** Parses a `sip:` or `sips:` URI only. */
export function parseSipUri(text: string): SipUri {
  const uri = parseAddressUri(text);
  if (uri.scheme !== "sip" && uri.scheme !== "sips") fail(`expected a sip: or sips: URI, got ${uri.scheme}:`, 0);
  return uri;
}

function formatParams(params: readonly UriParam[]): string {
  return params.map((p) => (p.value === undefined ? `;${p.name}` : `;${p.name}=${p.value}`)).join("");
}

function formatHeaders(headers: readonly UriHeader[]): string {
  return headers.length === 0 ? "" : `?${headers.map((h) => `${h.name}=${h.value}`).join("&")}`;
}

/** Formats an address URI back to text. `formatAddressUri(parseAddressUri(s))` reproduces `s` up to scheme case. */
export function formatAddressUri(uri: AddressUri): string {
  switch (uri.scheme) {
    case "sip":
    case "sips": {
      const userinfo =
        uri.user === undefined ? "" : `${uri.user}${uri.password === undefined ? "" : `:${uri.password}`}@`;
      const port = uri.port === undefined ? "" : `:${uri.port}`;
      return `${uri.scheme}:${userinfo}${uri.host}${port}${formatParams(uri.params)}${formatHeaders(uri.headers)}`;
    }
    case "im":
    case "pres":
      return `${uri.scheme}:${uri.local}@${uri.domain}${formatHeaders(uri.headers)}`;
    case "tel":
      return `tel:${uri.number}${formatParams(uri.params)}`;
  }
}

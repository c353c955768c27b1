import { MsrpParseError } from "./errors.js";
import { newSessionId } from "./ident.js";
import type { MsrpUri, MsrpUriParam } from "./types.js";

// RFC 4975 §9: MSRP-URI = msrp-scheme "://" authority ["/" session-id] ";" transport *( ";" URI-parameter)
// The authority follows RFC 3986, minus ";" and "/" which delimit the MSRP parts.
const SCHEME = /^(msrps?):\/\//i;
const USERINFO = /^[A-Za-z0-9\-._~%!$&'()*+,=:]*$/;
const REG_NAME = /^[A-Za-z0-9\-._~%!$&'()*+,=]+$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]+\]$/;
const PORT = /^\d{1,5}$/;
const SESSION_ID = /^[A-Za-z0-9\-._~+=/]+$/;
const TRANSPORT = /^[A-Za-z0-9]+$/;
const TOKEN = /^[!#-'*+\-.0-9A-Z^-~]+$/;

function fail(input: string, reason: string): never {
  throw new MsrpParseError(`invalid MSRP URI ${JSON.stringify(input.slice(0, 120))}: ${reason}`);
}

function parseHostPort(text: string, input: string): { host: string; port?: number } {
  let host = text;
  let portText: string | undefined;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) fail(input, "unterminated IPv6 literal");
    host = text.slice(0, close + 1);
    const rest = text.slice(close + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) fail(input, "garbage after IPv6 literal");
      portText = rest.slice(1);
    }
    if (!IPV6_LITERAL.test(host)) fail(input, "bad IPv6 literal");
  } else {
    const colon = text.lastIndexOf(":");
    if (colon >= 0) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
    if (!REG_NAME.test(host)) fail(input, "bad host");
  }
  if (portText === undefined) {
    // RFC 4975 §6: a numeric IP address in the authority MUST come with a port (MSRP-URI-01).
    if (IPV4.test(host) || host.startsWith("[")) fail(input, "numeric IP address without port");
    return { host };
  }
  if (!PORT.test(portText) || Number(portText) > 65535) fail(input, "bad port");
  return { host, port: Number(portText) };
}

function parseParams(parts: readonly string[], input: string): MsrpUriParam[] {
  return parts.map((part) => {
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    if (!TOKEN.test(name)) fail(input, "bad URI parameter");
    if (eq < 0) return { name };
    const value = part.slice(eq + 1);
    if (!TOKEN.test(value)) fail(input, "bad URI parameter value");
    return { name, value };
  });
}

/** Parses an `msrp:` or `msrps:` URI (RFC 4975 §6, §9). Throws {@link MsrpParseError}. */
export function parseMsrpUri(input: string): MsrpUri {
  const scheme = SCHEME.exec(input);
  if (!scheme?.[1]) fail(input, "scheme must be msrp or msrps");
  const rest = input.slice(scheme[0].length);
  const semi = rest.indexOf(";");
  if (semi < 0) fail(input, "missing transport parameter");
  const [transport = "", ...paramParts] = rest.slice(semi + 1).split(";");
  if (!TRANSPORT.test(transport)) fail(input, "bad transport");
  const beforeParams = rest.slice(0, semi);
  const slash = beforeParams.indexOf("/");
  const authority = slash < 0 ? beforeParams : beforeParams.slice(0, slash);
  let sessionId: string | undefined;
  if (slash >= 0) {
    sessionId = beforeParams.slice(slash + 1);
    if (!SESSION_ID.test(sessionId)) fail(input, "bad session-id");
  }
  const at = authority.lastIndexOf("@");
  let user: string | undefined;
  if (at >= 0) {
    user = authority.slice(0, at);
    if (!USERINFO.test(user)) fail(input, "bad userinfo");
    // RFC 4975 §6: userinfo MUST NOT contain password information (MSRP-URI-04).
    if (user.includes(":")) fail(input, "userinfo must not carry a password");
  }
  const { host, port } = parseHostPort(at >= 0 ? authority.slice(at + 1) : authority, input);
  const uri: MsrpUri = {
    scheme: scheme[1].toLowerCase() as "msrp" | "msrps",
    host,
    transport,
    params: parseParams(paramParts, input),
    ...(user !== undefined ? { user } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(sessionId !== undefined ? { sessionId } : {}),
  };
  return uri;
}

/** Writes a URI back in RFC 4975 §9 syntax. */
export function formatMsrpUri(uri: MsrpUri): string {
  const user = uri.user !== undefined ? `${uri.user}@` : "";
  const port = uri.port !== undefined ? `:${uri.port}` : "";
  const session = uri.sessionId !== undefined ? `/${uri.sessionId}` : "";
  const params = uri.params.map((p) => (p.value === undefined ? `;${p.name}` : `;${p.name}=${p.value}`)).join("");
  return `${uri.scheme}://${user}${uri.host}${port}${session};${uri.transport}${params}`;
}

// RFC 3986 §6.2.2.2: percent-encoded unreserved characters are decoded before comparison.
function decodeUnreserved(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (whole, hex: string) => {
    const ch = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(ch) ? ch : whole.toUpperCase();
  });
}

function normalizeHost(host: string): string {
  if (host.startsWith("[")) {
    // The WHATWG URL parser canonicalises IPv6 literals (zero compression, case).
    try {
      return new URL(`http://${host}/`).hostname;
    } catch {
      return host.toLowerCase();
    }
  }
  return decodeUnreserved(host).toLowerCase();
}

/**
 * A key that is equal for two URIs exactly when {@link msrpUriEquals} holds: scheme and transport
 * lower-cased, userinfo dropped, host normalised, port and session-id as written.
 */
export function msrpUriKey(uri: MsrpUri): string {
  const port = uri.port === undefined ? "" : `:${uri.port}`;
  const session = uri.sessionId === undefined ? "" : `/${uri.sessionId}`;
  return `${uri.scheme.toLowerCase()}://${normalizeHost(uri.host)}${port}${session};${uri.transport.toLowerCase()}`;
}

/**
 * RFC 4975 §6.1 comparison (MSRP-URI-05): scheme case-insensitive; userinfo ignored; host compared after
 * percent-decoding, case-insensitively; ports must match exactly (explicit never equals absent);
 * session-id case-sensitive (absent never equals present); transport case-insensitive; other
 * parameters are not compared.
 */
export function msrpUriEquals(a: MsrpUri, b: MsrpUri): boolean {
  return msrpUriKey(a) === msrpUriKey(b);
}

/** Builds a fresh local URI with an unguessable session-id (MSRP-URI-02, MSRP-URI-03). */
export function newLocalMsrpUri(options: {
  readonly host: string;
  readonly port: number;
  readonly isSecure?: boolean;
  readonly transport?: string;
}): MsrpUri {
  // An IPv6 address goes into the authority as a bracketed literal (RFC 3986 §3.2.2).
  const host = options.host.includes(":") && !options.host.startsWith("[") ? `[${options.host}]` : options.host;
  return {
    scheme: options.isSecure ? "msrps" : "msrp",
    host,
    port: options.port,
    sessionId: newSessionId(),
    transport: options.transport ?? "tcp",
    params: [],
  };
}

import { formatJid, type Jid, parseJid } from "./jid.js";

/**
 * `xmpp:` IRIs (RFC 5122) for the address carried in `<gone/>` and `<redirect/>` (CORE-ERR-07, -11, -12).
 * Never used in stanza `to`/`from` (CORE-URI-08). Non-ASCII stays literal (IRI); ASCII outside RFC 3986
 * `unreserved`/`sub-delims` and `@ /` separators is percent-encoded.
 */
const LITERAL = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]$/;

function encodeIri(s: string): string {
  let out = "";
  for (const ch of s) {
    if (ch.charCodeAt(0) >= 0x80 || LITERAL.test(ch)) out += ch;
    else out += `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Formats a JID as an `xmpp:` IRI, e.g. `xmpp:o%5C27neil@xmpp.test`. */
export function formatXmppIri(jid: Jid): string {
  return `xmpp:${encodeIri(formatJid(jid))}`;
}

/** Parses `xmpp:jid` (without authority or query) into an enforced JID; returns undefined if it is not one. */
export function parseXmppIri(iri: string): Jid | undefined {
  if (!/^xmpp:/i.test(iri) || iri.startsWith("xmpp://", 0)) return undefined;
  const body = iri.slice(5).split(/[?#]/u)[0] ?? "";
  try {
    return parseJid(decodeURIComponent(body));
  } catch {
    return undefined;
  }
}

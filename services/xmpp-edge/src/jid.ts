/** The parts of a JID the edge routes on (RFC 7622 §3.1). No PRECIS here: the mappers own address mapping. */
export interface JidParts {
  readonly local: string | undefined;
  readonly domain: string;
  readonly resource: string | undefined;
}

/** Splits a JID; domain lower-cased and without a trailing dot. Undefined for an empty domainpart. */
export function splitJid(jid: string): JidParts | undefined {
  const slash = jid.indexOf("/");
  const bare = slash === -1 ? jid : jid.slice(0, slash);
  const resource = slash === -1 ? undefined : jid.slice(slash + 1);
  const at = bare.lastIndexOf("@");
  const local = at === -1 ? undefined : bare.slice(0, at);
  const domain = (at === -1 ? bare : bare.slice(at + 1)).toLowerCase().replace(/\.$/, "");
  if (domain === "" || local === "") return undefined;
  return { local, domain, resource };
}

/** `local@domain` (or the domain alone). */
export function bareJid(jid: string): string {
  const parts = splitJid(jid);
  if (!parts) return jid;
  return parts.local === undefined ? parts.domain : `${parts.local}@${parts.domain}`;
}

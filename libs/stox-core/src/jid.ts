import { createBoundedMemo, memoized } from "./bounded-memo.js";
import { toJidDomain } from "./domain.js";
import { type DomainError, JidError, type PrecisError } from "./errors.js";
import { enforceOpaqueString, enforceUsernameCaseMapped } from "./precis/profiles.js";

/** An XMPP address (RFC 7622). Values of this type are always enforced: build them with {@link parseJid} or {@link createJid}. */
export interface Jid {
  readonly local?: string;
  readonly domain: string;
  readonly resource?: string;
}

const MAX_PART_OCTETS = 1023;
// RFC 7622 §3.3.1: characters a localpart must not contain, on top of UsernameCaseMapped.
const LOCALPART_FORBIDDEN = /["&'/:<>@]/u;

function octets(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** Enforces a localpart: UsernameCaseMapped plus RFC 7622 §3.3.1 exclusions and length (CORE-ADDR-15). */
export function enforceLocalpart(local: string): string {
  let out: string;
  try {
    out = enforceUsernameCaseMapped(local);
  } catch (cause) {
    throw new JidError(`invalid localpart "${local}": ${(cause as PrecisError).message}`, "localpart", { cause });
  }
  const bad = LOCALPART_FORBIDDEN.exec(out);
  if (bad) throw new JidError(`localpart "${local}" contains "${bad[0]}" (RFC 7622 §3.3.1)`, "localpart");
  if (octets(out) > MAX_PART_OCTETS) throw new JidError("localpart is longer than 1023 octets", "localpart");
  return out;
}

/** Enforces a resourcepart: OpaqueString and length (RFC 7622 §3.4; CORE-ADDR-17). */
export function enforceResourcepart(resource: string): string {
  let out: string;
  try {
    out = enforceOpaqueString(resource);
  } catch (cause) {
    throw new JidError(`invalid resourcepart: ${(cause as PrecisError).message}`, "resourcepart", { cause });
  }
  if (octets(out) > MAX_PART_OCTETS) throw new JidError("resourcepart is longer than 1023 octets", "resourcepart");
  return out;
}

function enforceDomainpart(domain: string): string {
  try {
    return toJidDomain(domain);
  } catch (cause) {
    throw new JidError(`invalid domainpart: ${(cause as DomainError).message}`, "domainpart", { cause });
  }
}

type JidParts = { local?: string | undefined; domain: string; resource?: string | undefined };

/** Builds an enforced JID from its parts; throws {@link JidError} naming the bad part. */
export function createJid(parts: JidParts): Jid {
  const domain = enforceDomainpart(parts.domain);
  const local = parts.local === undefined ? undefined : enforceLocalpart(parts.local);
  const resource = parts.resource === undefined ? undefined : enforceResourcepart(parts.resource);
  return freezeEnforcedJid({ local, domain, resource });
}

/** Internal: wraps parts the caller has already enforced (not exported from the package). */
export function freezeEnforcedJid({ local, domain, resource }: JidParts): Jid {
  // Plain literals rather than spreads (issue #8); absent parts stay absent keys, in the same order.
  if (local === undefined) return Object.freeze(resource === undefined ? { domain } : { domain, resource });
  return Object.freeze(resource === undefined ? { local, domain } : { local, domain, resource });
}

/**
 * Parses and enforces a JID string (RFC 7622 §3.1: the resource starts at the first `/`, the localpart ends
 * at the first `@` before it). An empty localpart or resourcepart (`@d`, `d/`) is an error.
 */
export function parseJid(text: string): Jid {
  return memoized(parsedJids, text, parseJidUncached);
}

// Issue #8: the same JIDs arrive on every stanza. The values are frozen, so callers can share them.
const parsedJids = createBoundedMemo<Jid>({ maxEntries: 8192, maxKeyLength: 512 });

function parseJidUncached(text: string): Jid {
  const slash = text.indexOf("/");
  const resource = slash === -1 ? undefined : text.slice(slash + 1);
  const rest = slash === -1 ? text : text.slice(0, slash);
  const at = rest.indexOf("@");
  const local = at === -1 ? undefined : rest.slice(0, at);
  const domain = at === -1 ? rest : rest.slice(at + 1);
  if (local === "") throw new JidError(`"${text}" has an empty localpart`, "localpart");
  if (resource === "") throw new JidError(`"${text}" has an empty resourcepart`, "resourcepart");
  return createJid({ local, domain, resource });
}

/** Formats a JID as `local@domain/resource`. */
export function formatJid(jid: Jid): string {
  const bare = jid.local === undefined ? jid.domain : `${jid.local}@${jid.domain}`;
  return jid.resource === undefined ? bare : `${bare}/${jid.resource}`;
}

/** The bare JID (`local@domain`) of a JID. */
export function bareJid(jid: Jid): Jid {
  return Object.freeze(jid.local === undefined ? { domain: jid.domain } : { local: jid.local, domain: jid.domain });
}

/** True when the JID has a resourcepart (a "full JID", CORE-ERR-05/06). */
export function isFullJid(jid: Jid): boolean {
  return jid.resource !== undefined;
}

/** Compares two enforced JIDs part by part (resource case-sensitive, CORE-CASE-01). */
export function jidEquals(a: Jid, b: Jid): boolean {
  return a.local === b.local && a.domain === b.domain && a.resource === b.resource;
}

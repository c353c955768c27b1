import { ErrorMappingError } from "./errors.js";

/** Namespace of the defined stanza error conditions (RFC 6120 §8.3.3). */
export const STANZAS_NS = "urn:ietf:params:xml:ns:xmpp-stanzas";

/** The 22 stanza error conditions of RFC 6120 §8.3.3. */
export const STANZA_ERROR_CONDITIONS = [
  "bad-request",
  "conflict",
  "feature-not-implemented",
  "forbidden",
  "gone",
  "internal-server-error",
  "item-not-found",
  "jid-malformed",
  "not-acceptable",
  "not-allowed",
  "not-authorized",
  "policy-violation",
  "recipient-unavailable",
  "redirect",
  "registration-required",
  "remote-server-not-found",
  "remote-server-timeout",
  "resource-constraint",
  "service-unavailable",
  "subscription-required",
  "undefined-condition",
  "unexpected-request",
] as const;

export type StanzaErrorCondition = (typeof STANZA_ERROR_CONDITIONS)[number];

/** The `type` attribute of `<error/>` (RFC 6120 §8.3.2). */
export type StanzaErrorType = "auth" | "cancel" | "continue" | "modify" | "wait";

/**
 * The type RFC 6120 §8.3.3 suggests for each condition (CORE-ERR-15). Where it names two, the first is used:
 * feature-not-implemented cancel/modify, internal-server-error cancel/wait, policy-violation modify/wait,
 * unexpected-request wait/modify. undefined-condition has no suggestion; cancel is used.
 */
export const DEFAULT_ERROR_TYPE: Readonly<Record<StanzaErrorCondition, StanzaErrorType>> = Object.freeze({
  "bad-request": "modify",
  conflict: "cancel",
  "feature-not-implemented": "cancel",
  forbidden: "auth",
  gone: "cancel",
  "internal-server-error": "cancel",
  "item-not-found": "cancel",
  "jid-malformed": "modify",
  "not-acceptable": "modify",
  "not-allowed": "cancel",
  "not-authorized": "auth",
  "policy-violation": "modify",
  "recipient-unavailable": "wait",
  redirect: "modify",
  "registration-required": "auth",
  "remote-server-not-found": "cancel",
  "remote-server-timeout": "wait",
  "resource-constraint": "wait",
  "service-unavailable": "cancel",
  "subscription-required": "auth",
  "undefined-condition": "cancel",
  "unexpected-request": "wait",
});

/**
 * A stanza error as data (RFC 6120 §8.3.2; CORE-ERR-14): exactly one defined condition, its type, an optional
 * `<text/>` without `xml:lang` (CORE-ERR-03) and, for `gone`/`redirect`, the address as character data.
 */
export interface StanzaError {
  readonly condition: StanzaErrorCondition;
  readonly type: StanzaErrorType;
  readonly text?: string;
  readonly address?: string;
}

/** True for one of the 22 defined conditions. */
export function isStanzaErrorCondition(name: string): name is StanzaErrorCondition {
  return (STANZA_ERROR_CONDITIONS as readonly string[]).includes(name);
}

/** Builds a {@link StanzaError} with the default type; throws {@link ErrorMappingError} for an undefined condition. */
export function createStanzaError(
  condition: string,
  extra: { text?: string | undefined; address?: string | undefined; type?: StanzaErrorType } = {},
): StanzaError {
  if (!isStanzaErrorCondition(condition)) throw new ErrorMappingError(`"${condition}" is not an RFC 6120 condition`);
  return Object.freeze({
    condition,
    type: extra.type ?? DEFAULT_ERROR_TYPE[condition],
    ...(extra.text === undefined || extra.text === "" ? {} : { text: extra.text }),
    ...(extra.address === undefined ? {} : { address: extra.address }),
  });
}

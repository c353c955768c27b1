import { InvalidKvKeyError, InvalidSubjectError } from "./errors.js";

// NATS subject rules: dot-separated non-empty tokens, no whitespace; `*` matches one token, `>` the rest
// (only as the last token). Publishing to a wildcard is not allowed.
const WHITESPACE = /[\s]/;

// Tokens with no wildcard character, white space or empty token: valid either way. One regular expression
// test instead of a split per publish; anything else goes through the full checks (and their reasons).
const PLAIN_SUBJECT = /^[^\s.*>]+(?:\.[^\s.*>]+)*$/;

export function checkSubject(subject: string, allowWildcards: boolean): void {
  if (PLAIN_SUBJECT.test(subject)) return;
  if (subject.length === 0) throw new InvalidSubjectError(subject, "empty");
  if (WHITESPACE.test(subject)) throw new InvalidSubjectError(subject, "contains white space");
  const tokens = subject.split(".");
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token.length === 0) throw new InvalidSubjectError(subject, "empty token");
    const isWildcard = token === "*" || token === ">";
    if (isWildcard && !allowWildcards) throw new InvalidSubjectError(subject, "wildcards are for subscriptions only");
    if (token === ">" && i !== tokens.length - 1) throw new InvalidSubjectError(subject, "'>' must be the last token");
  }
}

/** Whether a concrete subject matches a subscription pattern. */
export function subjectMatches(pattern: string, subject: string): boolean {
  if (pattern === subject) return true;
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === ">") return s.length > i;
    if (i >= s.length) return false;
    if (token !== "*" && token !== s[i]) return false;
  }
  return p.length === s.length;
}

// JetStream KV key alphabet.
const KV_KEY = /^[-/_=.a-zA-Z0-9]+$/;

export function checkKvKey(key: string, allowWildcards = false): void {
  if (allowWildcards && (key === ">" || key.endsWith(".>") || key.includes("*"))) {
    checkKvKey(key.replace(/(^|\.)[*>](?=\.|$)/g, "$1x"));
    return;
  }
  if (!KV_KEY.test(key) || key.startsWith(".") || key.endsWith(".") || key.includes("..")) {
    throw new InvalidKvKeyError(key);
  }
}

export function checkBucketName(bucket: string): void {
  if (!/^[-_a-zA-Z0-9]+$/.test(bucket)) throw new InvalidKvKeyError(bucket);
}

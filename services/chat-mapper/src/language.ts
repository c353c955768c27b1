// IM-LANG-01..03: xml:lang <-> Content-Language. BCP 47 (RFC 5646 §2.1) syntax, checked loosely: the
// grammar's shape (alpha language, 1-8 alphanumeric subtags), which is what both protocols carry.
const LANGUAGE_TAG = /^(?:[A-Za-z]{2,8}|[xXiI])(?:-[A-Za-z0-9]{1,8})*$/;

/** Whether a string has BCP 47 language-tag syntax. */
export function isLanguageTag(tag: string): boolean {
  return tag.length <= 64 && LANGUAGE_TAG.test(tag);
}

/** IM-S2X-07 / IM-LANG-03: the first tag of a Content-Language value, or undefined when absent or invalid. */
export function firstContentLanguage(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const first = value.split(",")[0]?.trim() ?? "";
  return isLanguageTag(first) ? first : undefined;
}

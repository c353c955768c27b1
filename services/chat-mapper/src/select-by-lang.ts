import type { XmlElement } from "@stox/events";

/**
 * IM-X2S-16/17 (RFC 6121 §5.2.3-4): of several `<body/>` or `<subject/>` elements, take the one whose
 * xml:lang equals the stanza's; failing that the one with no xml:lang; failing that the first.
 */
export function selectByLang(elements: readonly XmlElement[], stanzaLang: string | undefined): XmlElement | undefined {
  if (elements.length <= 1) return elements[0];
  const lower = stanzaLang?.toLowerCase();
  return (
    (lower === undefined ? undefined : elements.find((e) => e.attrs["xml:lang"]?.toLowerCase() === lower)) ??
    elements.find((e) => e.attrs["xml:lang"] === undefined) ??
    elements[0]
  );
}

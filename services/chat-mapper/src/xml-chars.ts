// IM-S2X-19 (RFC 6120 §11, XML 1.0 §2.2): characters XML 1.0 cannot carry become U+FFFD: C0 controls other
// than TAB, LF and CR, U+FFFE, U+FFFF and lone surrogates.
function isForbidden(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0xfffe || code === 0xffff;
}

/** Replaces every character XML 1.0 forbids with U+FFFD. */
export function toXmlSafeText(text: string): string {
  let out: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let bad = isForbidden(code);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        if (out !== undefined) out += text.slice(i, i + 2);
        i++;
        continue;
      }
      bad = true;
    } else if (code >= 0xdc00 && code <= 0xdfff) bad = true;
    if (bad && out === undefined) out = text.slice(0, i);
    if (out !== undefined) out += bad ? "\uFFFD" : text[i];
  }
  return out ?? text;
}

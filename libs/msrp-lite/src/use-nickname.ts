// RFC 7701 §7.1: Use-Nickname = "Use-Nickname:" SP quoted-string, 1*1023(qdtext / qd-esc) between the quotes.
// The RFC also says `""` removes the nickname (§7.3); we accept the empty string and leave the
// policy to the caller (msrp.md §15 note 4).
const MAX_NICKNAME_OCTETS = 1023;

/** Unescapes a Use-Nickname quoted string, or returns `{ reason }` when it is malformed. */
export function parseUseNickname(value: string): string | { reason: string } {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) {
    return { reason: "Use-Nickname must be a quoted string" };
  }
  let out = "";
  const inner = value.slice(1, -1);
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === "\\") {
      const next = inner[i + 1];
      if (next !== "\\" && next !== '"') return { reason: "bad escape in Use-Nickname" };
      out += next;
      i++;
    } else if (ch === '"') {
      return { reason: "unescaped quote in Use-Nickname" };
    } else {
      out += ch;
    }
  }
  if (Buffer.byteLength(out, "utf8") > MAX_NICKNAME_OCTETS) return { reason: "Use-Nickname longer than 1023 octets" };
  return out;
}

/** Quotes a nickname for the Use-Nickname header, escaping `\` and `"`. */
export function formatUseNickname(nickname: string): string {
  return `"${nickname.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

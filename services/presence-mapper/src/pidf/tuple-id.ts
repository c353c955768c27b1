/**
 * PRES-NTF-03 (RFC 8048 §6.2 note 2, made exact by the project): tuple@id = "ID-" + the resourcepart, where
 * [A-Za-z0-9.-] stay literal and every other UTF-8 octet becomes "_HH" (uppercase hex). The result is a
 * valid xs:ID (starts with a letter, only NameChars) and decodes back exactly.
 */
const LITERAL = /^[A-Za-z0-9.-]$/;

export function resourceToTupleId(resource: string): string {
  let out = "ID-";
  for (const byte of new TextEncoder().encode(resource)) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && LITERAL.test(ch) ? ch : `_${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

const HEX = "0123456789ABCDEF";

/** Reverses resourceToTupleId; undefined when the id is not in that form or not UTF-8. */
export function tupleIdToResource(id: string): string | undefined {
  if (!id.startsWith("ID-") || id.length === 3) return undefined;
  const bytes: number[] = [];
  for (let i = 3; i < id.length; i++) {
    const ch = id[i] as string;
    if (ch === "_") {
      const hi = HEX.indexOf(id[i + 1] ?? "x");
      const lo = HEX.indexOf(id[i + 2] ?? "x");
      if (hi < 0 || lo < 0) return undefined;
      bytes.push(hi * 16 + lo);
      i += 2;
    } else if (LITERAL.test(ch)) {
      bytes.push(ch.charCodeAt(0));
    } else {
      return undefined;
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

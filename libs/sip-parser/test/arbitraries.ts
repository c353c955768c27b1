// fast-check generators for SIP messages built from the RFC 3261 §25.1 character classes.
import fc from "fast-check";

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const tokenChars = `${alnum}-.!%*_+\`'~`;
const unreserved = `${alnum}-_.!~*'()`;

function from(chars: string, min: number, max: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...chars.split("")), minLength: min, maxLength: max });
}

export const token = from(tokenChars, 1, 12);
const pctEscape = fc.integer({ min: 0, max: 255 }).map((n) => `%${n.toString(16).toUpperCase().padStart(2, "0")}`);
const userChar = fc.oneof(fc.constantFrom(...`${unreserved}&=+$,;?/`.split("")), pctEscape);
const paramChar = fc.oneof(fc.constantFrom(...`${unreserved}[]/:&+$`.split("")), pctEscape);
const label = from(`${alnum}`, 1, 8);
const host = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join(".")),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join(".")),
  fc.constant("[2001:db8::1]"),
);
const uriParam = fc
  .tuple(
    fc.array(paramChar, { minLength: 1, maxLength: 6 }),
    fc.option(fc.array(paramChar, { minLength: 1, maxLength: 6 })),
  )
  .map(([n, v]) => (v === null ? `;${n.join("")}` : `;${n.join("")}=${v.join("")}`));

/** A sip:/sips: URI as text, with optional user, port and URI parameters (no headers). */
export const sipUri = fc
  .record({
    scheme: fc.constantFrom("sip", "sips", "SIP"),
    user: fc.option(fc.array(userChar, { minLength: 1, maxLength: 10 }).map((u) => u.join(""))),
    host,
    port: fc.option(fc.integer({ min: 1, max: 65535 })),
    params: fc.array(uriParam, { maxLength: 3 }),
  })
  .map(
    (u) =>
      `${u.scheme}:${u.user === null ? "" : `${u.user}@`}${u.host}${u.port === null ? "" : `:${u.port}`}${u.params.join("")}`,
  );

/** Free text: any Unicode except control characters (what a display name or unknown header may hold). */
export const text = fc
  .string({ unit: "grapheme", maxLength: 20 })
  .map((s) => Array.from(s, (ch) => (ch.charCodeAt(0) < 0x20 || ch === "\u007f" ? "x" : ch)).join(""));

const genericParam = fc.tuple(token, fc.option(token)).map(([n, v]) => (v === null ? `;${n}` : `;${n}=${v}`));

export const address = fc.record({
  displayName: fc.option(text),
  uri: sipUri,
  params: fc.array(genericParam, { maxLength: 3 }),
});

export const via = fc
  .record({
    transport: fc.constantFrom("UDP", "TCP", "TLS", "WS", "WSS"),
    host,
    port: fc.option(fc.integer({ min: 1, max: 65535 })),
    branch: token,
  })
  .map((v) => `SIP/2.0/${v.transport} ${v.host}${v.port === null ? "" : `:${v.port}`};branch=z9hG4bK${v.branch}`);

const wordChars = `${tokenChars}()<>:\\"/[]?{}`;
export const callId = fc
  .tuple(from(wordChars, 1, 16), fc.option(from(wordChars, 1, 10)))
  .map(([a, b]) => (b === null ? a : `${a}@${b}`));

/** An unknown extension header: a token name and a trimmed value without CR/LF. */
export const extensionHeader = fc
  .tuple(
    token.map((t) => `X-${t}`),
    text,
  )
  .map(([name, value]) => [name, value.trim()] as [string, string]);

export const body = fc.uint8Array({ maxLength: 64 });

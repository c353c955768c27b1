import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { percentDecodeUtf8 } from "../src/percent-encoding.js";
import {
  enforceOpaqueString,
  enforceOpaqueStringFully,
  enforceUsernameCaseMapped,
  enforceUsernameCaseMappedFully,
  mapUsernameCaseMapped,
  mapUsernameCaseMappedFully,
} from "../src/precis/profiles.js";

// Issue #8: the ASCII fast paths must give exactly what the full PRECIS / decoding code gives.

function outcome(fn: () => unknown): unknown {
  try {
    return { value: fn() };
  } catch (error) {
    const e = error as Error & Record<string, unknown>;
    return { type: e.constructor, message: e.message, ...Object.fromEntries(Object.entries(e)) };
  }
}

const ASCII = Array.from({ length: 0x80 }, (_, code) => String.fromCharCode(code));
const OTHERS = ["é", "É", "ß", "\u00a0", "\u3000", "\uff21", "\u0627", "\u05d0", "\u200d", "\u00b7", "\u212a", "😀"];
const text = fc.array(fc.constantFrom(...ASCII, ...OTHERS), { maxLength: 12 }).map((chars) => chars.join(""));
const pairs = ASCII.flatMap((a) => ASCII.map((b) => a + b));

const profiles = [
  ["UsernameCaseMapped", enforceUsernameCaseMapped, enforceUsernameCaseMappedFully],
  ["OpaqueString", enforceOpaqueString, enforceOpaqueStringFully],
  ["UsernameCaseMapped mapping", mapUsernameCaseMapped, mapUsernameCaseMappedFully],
] as const;

describe.each(profiles)("%s ASCII fast path", (_, fast, full) => {
  it("agrees with the full profile on every ASCII character and every pair of them", () => {
    for (const s of ["", ...ASCII, ...pairs]) expect(outcome(() => fast(s))).toEqual(outcome(() => full(s)));
  });

  it("agrees with the full profile on generated mixed strings", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(outcome(() => fast(s))).toEqual(outcome(() => full(s)));
      }),
      { numRuns: 2000 },
    );
  });
});

// The decoder as it was before the fast path: every UTF-16 code unit through TextEncoder.
function referenceDecode(s: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === 0x25) {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...new TextEncoder().encode(s[i] as string));
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

describe("percentDecodeUtf8 fast paths", () => {
  const escapes = ["%41", "%c3%bc", "%C3", "%BC", "%FF", "%ZZ", "%2", "%", "%25", "%00", "%F0%9F%98%80"];
  it("decodes like the per-character reference on generated strings", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ASCII, ...OTHERS, ...escapes), { maxLength: 10 }), (parts) => {
        const s = parts.join("");
        expect(percentDecodeUtf8(s)).toBe(referenceDecode(s));
      }),
      { numRuns: 3000 },
    );
  });

  it("decodes every ASCII pair like the reference", () => {
    for (const s of pairs) expect(percentDecodeUtf8(s)).toBe(referenceDecode(s));
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type EventCodec,
  EventDecodeError,
  sipRequestReceivedCodec,
  sipResponseCommandCodec,
  sipResponseReceivedCodec,
  type XmlElement,
  xmppSendResultCodec,
  xmppStanzaCommandCodec,
  xmppStanzaReceivedCodec,
  xmppStanzaReplyCodec,
} from "../src/index.js";
import { hotEvents } from "./hot-events.js";
import { referenceDecode } from "./reference-decode.js";

// The hot codecs validate through z.compile and a hand-written stanza check (issue 8). The schemas stay the
// contract: on any payload, a codec must answer exactly as the schema's runtime parser does, in the value it
// returns or in the error it throws (message and issues alike).

type Outcome = { ok: true; value: unknown } | { ok: false; message: string; issues: readonly string[] };

function outcome(decode: () => unknown): Outcome {
  try {
    return { ok: true, value: decode() };
  } catch (e) {
    if (!(e instanceof EventDecodeError)) throw e;
    return { ok: false, message: e.message, issues: e.issues };
  }
}

/** Asserts the codec answers as the schema does; returns whether the schema accepted the payload. */
function expectSameAsSchema(codec: EventCodec<unknown>, payload: unknown): boolean {
  const bytes = Buffer.from(JSON.stringify(payload), "utf8");
  const expected = outcome(() => referenceDecode(codec.subject, codec.schema, bytes));
  expect(outcome(() => codec.decode(bytes))).toStrictEqual(expected);
  return expected.ok;
}

const failures = {
  sip: {
    v: 1,
    id: "r2",
    at: "2026-11-23T03:51:28.123Z",
    ok: false,
    error: { code: "timeout", message: "no answer", isRetryable: true },
  },
  xmpp: {
    v: 1,
    id: "r3",
    at: "2026-11-23T03:51:28.123Z",
    ok: false,
    error: { code: "not-found", message: "no such user", isRetryable: false },
    stanzaError: { type: "cancel", condition: "item-not-found", text: "gone" },
  },
};

const seeds: readonly [string, EventCodec<unknown>, unknown][] = [
  ...hotEvents.map((h): [string, EventCodec<unknown>, unknown] => [h.name, h.codec, h.event]),
  ["sip.in (any method)", sipRequestReceivedCodec as EventCodec<unknown>, hotEvents[0]?.event],
  ["sip.in reply, failed", sipResponseCommandCodec as EventCodec<unknown>, failures.sip],
  ["sip.out.request reply, failed", sipResponseReceivedCodec as EventCodec<unknown>, failures.sip],
  ["xmpp.in reply, failed", xmppStanzaReplyCodec as EventCodec<unknown>, failures.xmpp],
  ["xmpp.out reply, failed", xmppSendResultCodec as EventCodec<unknown>, failures.sip],
];

// Lengths on both sides of every limit in the schemas; astral characters are one code point in two UTF-16
// units, where zod counts code points and the stanza check counts units.
const limits = [1, 32, 64, 128, 256, 512, 1024, 3072, 8192, 65_536];
const lengths = [0, ...limits.flatMap((n) => [n - 1, n, n + 1])];
const strings = fc.oneof(
  fc.constantFrom(...lengths).chain((n) => fc.constantFrom("a".repeat(n), "😀".repeat(n), `${"a".repeat(n)}😀`)),
  fc.constantFrom("udp", "wss", "sip", "tel", "xmpp", "utf8", "base64", "timeout", "internal", "component", "s2s"),
  fc.constantFrom("cancel", "modify", "message", "MESSAGE", "__proto__", "toString"),
  fc.string({ maxLength: 8 }),
);
const numbers = fc.constantFrom(
  -1,
  -0,
  0,
  1,
  1.5,
  7,
  199,
  200,
  404,
  699,
  700,
  65_535,
  65_536,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 53,
);
const element: fc.Arbitrary<XmlElement> = fc.letrec<{ element: XmlElement }>((tie) => ({
  element: fc.record({
    name: strings,
    attrs: fc.dictionary(strings, strings, { maxKeys: 3 }),
    children: fc.array(fc.oneof({ depthSize: "small" }, strings, tie("element")), { maxLength: 3 }),
  }),
})).element;
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  strings,
  numbers,
  fc.boolean(),
  fc.constant(null),
  element,
  fc.tuple(strings, strings),
  fc.constant([]),
  fc.constant({}),
  fc.jsonValue({ maxDepth: 2 }),
);
const keys = fc.constantFrom("extra", "__proto__", "name", "attrs", "children", "ok", "stanza", "constructor", "0");

/** Every place in a JSON tree: the parent and the key (or index) under it. */
function places(root: unknown): [Record<string, unknown> | unknown[], string | number][] {
  const found: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        found.push([node, i]);
        walk(child);
      });
    } else if (typeof node === "object" && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        found.push([node as Record<string, unknown>, key]);
        walk(child);
      }
    }
  };
  walk(root);
  return found;
}

/** An own, enumerable property even for "__proto__", as JSON.parse makes it. */
function setOwn(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

interface Step {
  /** "same type": a string, number or boolean becomes another of its kind, which keeps many events valid. */
  readonly kind: "replace" | "same type" | "delete" | "add";
  readonly at: number;
  readonly key: string;
  readonly value: unknown;
  readonly like: { readonly string: string; readonly number: number; readonly boolean: boolean };
}
const mutation: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom("replace" as const, "same type" as const, "delete" as const, "add" as const),
  at: fc.nat(),
  key: keys,
  value: anyValue,
  like: fc.record({ string: strings, number: numbers, boolean: fc.boolean() }),
});

/** The seed with each step applied: a value replaced, a key or element deleted, a key or element added. */
function mutate(seed: unknown, steps: readonly Step[]): unknown {
  const root = structuredClone(seed);
  for (const { kind, at, key: newKey, value: shared, like } of steps) {
    // fast-check hands out the same constant objects again: a copy, or a push could close a cycle.
    const value = structuredClone(shared);
    const all = places(root);
    if (all.length === 0) break;
    const [parent, key] = all[at % all.length] as [Record<string, unknown> | unknown[], string | number];
    const target = parent[key as never] as unknown;
    const type = typeof target;
    if (kind === "same type" && (type === "string" || type === "number" || type === "boolean")) {
      setOwn(parent, key, like[type as keyof typeof like]);
    } else if (kind === "replace" || kind === "same type") setOwn(parent, key, value);
    else if (kind === "delete") {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else if (Array.isArray(target)) target.push(value);
    else if (typeof target === "object" && target !== null) setOwn(target as Record<string, unknown>, newKey, value);
    else setOwn(parent, key, value);
  }
  return root;
}

describe("hot codecs agree with their schemas (issue 8)", () => {
  it.each(seeds)("decodes the realistic %s as the schema does", (_, codec, seed) => {
    const bytes = Buffer.from(JSON.stringify(seed), "utf8");
    expect(codec.decode(bytes)).toStrictEqual(seed);
    expectSameAsSchema(codec, seed);
  });

  it.each(seeds)("answers as the schema does for mutated %s events", (_, codec, seed) => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (steps) => {
        if (expectSameAsSchema(codec, mutate(seed, steps))) accepted++;
      }),
      { numRuns: 400 },
    );
    // Both ways are exercised: some mutants are still valid events.
    expect(accepted).toBeGreaterThan(10);
    expect(accepted).toBeLessThan(380);
  });

  it.each([
    ["xmpp.in", xmppStanzaReceivedCodec, hotEvents[4]?.event],
    ["xmpp.out", xmppStanzaCommandCodec, hotEvents[2]?.event],
  ] as const)("answers as the schema does for arbitrary %s stanza trees", (_, codec, seed) => {
    let accepted = 0;
    fc.assert(
      fc.property(element, (stanza) => {
        if (expectSameAsSchema(codec as EventCodec<unknown>, { ...(seed as object), stanza })) accepted++;
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(15);
    expect(accepted).toBeLessThan(285);
  });

  const nested = (depth: number): XmlElement =>
    depth === 0
      ? { name: "leaf", attrs: {}, children: ["x"] }
      : { name: "x", attrs: {}, children: [nested(depth - 1)] };
  const edgeCases: readonly [string, XmlElement][] = [
    ["a tree deeper than the stanza check follows", nested(200)],
    [
      "65,536 astral characters in an attribute (over the limit in UTF-16 units only)",
      {
        name: "message",
        attrs: { id: "😀".repeat(65_536) },
        children: [],
      },
    ],
    ["65,537 astral characters in an attribute", { name: "message", attrs: { id: "😀".repeat(65_537) }, children: [] }],
    ["a 256-character name", { name: "n".repeat(256), attrs: {}, children: [] }],
    ["a 257-character name", { name: "n".repeat(257), attrs: {}, children: [] }],
    ["a 256-character attribute name", { name: "message", attrs: { ["a".repeat(256)]: "x" }, children: [] }],
    ["a 257-character attribute name", { name: "message", attrs: { ["a".repeat(257)]: "x" }, children: [] }],
    ["10,000 children", { name: "message", attrs: {}, children: Array.from({ length: 10_000 }, () => "x") }],
    ["10,001 children", { name: "message", attrs: {}, children: Array.from({ length: 10_001 }, () => "x") }],
  ];
  it.each(edgeCases)("answers as the schema does for %s", (_, stanza) => {
    expectSameAsSchema(xmppStanzaCommandCodec as EventCodec<unknown>, { ...(hotEvents[2]?.event as object), stanza });
  });

  it("drops unknown fields as the schema does", () => {
    const bytes = Buffer.from(JSON.stringify({ ...(hotEvents[1]?.event as object), extra: 1 }), "utf8");
    expect(sipResponseCommandCodec.decode(bytes)).not.toHaveProperty("extra");
  });
});

import fc from "fast-check";
import { MsgHdrsImpl, headers as natsHeaders } from "nats";
import { describe, expect, it } from "vitest";
import { NatsHeaderBlock } from "../src/nats-headers.js";

/** What the bus did before NatsHeaderBlock: nats.js's own headers, one set() per header. */
function natsJsEncode(record: Record<string, string>): Uint8Array {
  const h = natsHeaders();
  for (const [name, value] of Object.entries(record)) h.set(name.toLowerCase(), value);
  return (h as MsgHdrsImpl).encode();
}

function outcome(encode: () => Uint8Array): { bytes: string } | { error: string } {
  try {
    return { bytes: Buffer.from(encode()).toString("latin1") };
  } catch (err) {
    return { error: (err as { code?: string }).code ?? "no code" };
  }
}

// Names and values near the edges: upper case, ':' and spaces, controls, CR/LF, padding, non-ASCII.
const nameChar = fc.constantFrom("a", "Z", "-", "_", "0", ":", " ", "\t", "~", "\u007f", "é", "\u212a");
const valueChar = fc.constantFrom("a", " ", "\t", "\r", "\n", ":", "é", "\u00a0", "😀", "\ud800", "x");

describe("NatsHeaderBlock", () => {
  it("encodes the same bytes as nats.js headers()+set(), and rejects the same records", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: nameChar, maxLength: 6 }), fc.string({ unit: valueChar, maxLength: 8 }), {
          maxKeys: 4,
        }),
        (record) => {
          expect(outcome(() => new NatsHeaderBlock(record).encode())).toEqual(outcome(() => natsJsEncode(record)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("writes a traced message's headers byte for byte as nats.js does", () => {
    const record = {
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "stox-event-id": "  01HZY  ",
      "X-Mixed": "v",
    };
    const bytes = new NatsHeaderBlock(record).encode();
    expect(Buffer.from(bytes).toString()).toBe(
      "NATS/1.0\r\ntraceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n" +
        "stox-event-id: 01HZY\r\nx-mixed: v\r\n\r\n",
    );
    expect(bytes).toEqual(natsJsEncode(record));
    const decoded = MsgHdrsImpl.decode(bytes);
    expect(decoded.get("traceparent")).toBe(record.traceparent);
    expect(decoded.get("x-mixed")).toBe("v");
  });

  it("rejects CR or LF in a value with nats.js's BAD_HEADER, naming the header", () => {
    for (const value of ["a\r\nInjected: yes", "a\nb", "a\rb"]) {
      expect(() => new NatsHeaderBlock({ "stox-event-id": value })).toThrow(
        expect.objectContaining({ code: "BAD_HEADER", message: expect.stringContaining('"stox-event-id"') }),
      );
    }
  });

  it("rejects a header name with a space, a colon or a control character", () => {
    for (const name of ["a b", "a:b", "a\u0001", "é"]) {
      expect(() => new NatsHeaderBlock({ [name]: "v" })).toThrow(expect.objectContaining({ code: "BAD_HEADER" }));
    }
  });

  it("encodes an empty record as no bytes, as nats.js does", () => {
    expect(new NatsHeaderBlock({}).encode()).toEqual(natsJsEncode({}));
    expect(new NatsHeaderBlock({}).encode().length).toBe(0);
  });

  it("keeps the later value when two names are equal once lower-cased, as set() does", () => {
    const record = { A: "1", b: "2", a: "3" };
    expect(new NatsHeaderBlock(record).encode()).toEqual(natsJsEncode(record));
    expect([...new NatsHeaderBlock(record)]).toEqual([
      ["b", ["2"]],
      ["a", ["3"]],
    ]);
  });
});

import type { XmlElement } from "@stox/events";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { XmppStreamError } from "../src/xml/stream-errors.js";
import { StreamParser } from "../src/xml/stream-parser.js";
import { el, serialize } from "../src/xml/xml-element.js";

const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' from='sip.example.com' id='abc'>";
const limits = { maxStanzaBytes: 4096, maxDepth: 8 };

function collect(input: string | string[], l = limits) {
  const elements: XmlElement[] = [];
  const starts: Record<string, string>[] = [];
  let ended = false;
  const parser = new StreamParser(l, {
    onStreamStart: (attrs) => starts.push({ ...attrs }),
    onElement: (e) => elements.push(e),
    onStreamEnd: () => {
      ended = true;
    },
  });
  let error: unknown;
  try {
    for (const chunk of Array.isArray(input) ? input : [input]) parser.write(new TextEncoder().encode(chunk));
  } catch (err) {
    error = err;
  }
  return { elements, starts, ended: () => ended, error, parser };
}

// XML 1.0 §2.2 Char, minus CR (normalized to LF by XML parsers).
function isXmlText(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    const ok = c === 0x9 || c === 0xa || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c > 0xffff;
    if (!ok) return false;
  }
  return true;
}

describe("StreamParser", () => {
  it("reports the stream header, each stanza as a lossless tree, and the end (RFC 6120 §4.7)", () => {
    const r = collect(
      `${HEADER}<message to='alice@sip.example.com' from='juliet@example.com/balcony' type='chat'><body>Art thou not Romeo, &amp; a Montague?</body><x xmlns='urn:unknown'><y a='1'/></x></message> \n</stream:stream>`,
    );
    expect(r.error).toBeUndefined();
    expect(r.starts[0]).toMatchObject({ from: "sip.example.com", id: "abc", xmlns: "jabber:component:accept" });
    expect(r.elements).toEqual([
      el(
        "message",
        { to: "alice@sip.example.com", from: "juliet@example.com/balcony", type: "chat" },
        el("body", {}, "Art thou not Romeo, & a Montague?"),
        el("x", { xmlns: "urn:unknown" }, el("y", { a: "1" })),
      ),
    ]);
    expect(r.ended()).toBe(true);
  });

  it("parses the same stanzas whatever the chunking, including splits inside UTF-8 sequences", () => {
    const doc = `${HEADER}<message to="a@b"><body>héllo 🎉 &lt;3<![CDATA[x]]]></body></message><presence/>`;
    const bytes = new TextEncoder().encode(doc);
    const whole = collect(doc).elements;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 6 }), (cuts) => {
        const sorted = [...new Set(cuts)].sort((a, b) => a - b);
        const elements: XmlElement[] = [];
        const parser = new StreamParser(limits, {
          onStreamStart: () => {},
          onElement: (e) => elements.push(e),
          onStreamEnd: () => {},
        });
        let from = 0;
        for (const cut of [...sorted, bytes.length]) {
          parser.write(bytes.subarray(from, cut));
          from = cut;
        }
        expect(elements).toEqual(whole);
      }),
    );
  });

  it("round-trips serialized trees (serialize then parse gives the same element)", () => {
    const text = fc.string({ maxLength: 20 }).filter(isXmlText);
    const leaf = fc.record({ name: fc.constantFrom("a", "b", "body", "x"), value: text });
    fc.assert(
      fc.property(fc.array(leaf, { maxLength: 4 }), text, (leaves, body) => {
        const stanza = el(
          "message",
          { to: "x@sip.example.com", id: body },
          ...leaves.map((l) => el(l.name, { v: l.value }, ...(l.value ? [l.value] : []))),
        );
        const r = collect(HEADER + serialize(stanza));
        expect(r.error).toBeUndefined();
        expect(r.elements).toEqual([stanza]);
      }),
    );
  });

  it.each([
    [
      "billion laughs (DOCTYPE with entity declarations)",
      `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><message><body>&lol2;</body></message>`,
    ],
    ["an internal DTD inside the stream", `<message><!DOCTYPE x><body/></message>`],
    ["an ENTITY declaration", `<!ENTITY x SYSTEM "file:///etc/passwd">`],
    ["a comment", `<message><!-- hi --></message>`],
    ["a processing instruction after the header", `<?xml-stylesheet href='x'?>`],
    ["an undeclared entity reference in text", `<message><body>&lol9;</body></message>`],
    ["an undeclared entity reference in an attribute", `<message to='&xxe;'/>`],
  ])("refuses %s with restricted-xml (RFC 6120 §11.1)", (_name, body) => {
    const r = collect(HEADER + body);
    expect(r.error).toBeInstanceOf(XmppStreamError);
    expect((r.error as XmppStreamError).condition).toBe("restricted-xml");
    expect(r.elements).toEqual([]);
  });

  it("accepts CDATA sections and character references", () => {
    const r = collect(`${HEADER}<message><body><![CDATA[<b>&x;]]]></body><x>&#x41;&#66;</x></message>`);
    expect(r.error).toBeUndefined();
    expect(r.elements[0]).toEqual(el("message", {}, el("body", {}, "<b>&x;]"), el("x", {}, "AB")));
  });

  it("stops an oversize stanza while it is still arriving, before it completes (CORE-SEC-11, RFC 6120 §13.12)", () => {
    const r = collect([HEADER, "<message><body>", "a".repeat(3000), "a".repeat(3000)]);
    expect(r.error).toBeInstanceOf(XmppStreamError);
    expect((r.error as XmppStreamError).condition).toBe("policy-violation");
  });

  it("gives each stanza its own size budget", () => {
    const stanza = `<message><body>${"a".repeat(3000)}</body></message>`;
    const r = collect([HEADER, stanza, stanza, stanza]);
    expect(r.error).toBeUndefined();
    expect(r.elements).toHaveLength(3);
  });

  it("stops a deeply nested stanza at the first element past the limit (CORE-SEC-11)", () => {
    const r = collect([HEADER, "<message>", "<a>".repeat(8)]);
    expect((r.error as XmppStreamError).condition).toBe("policy-violation");
    const ok = collect([HEADER, `<message>${"<a>".repeat(7)}${"</a>".repeat(7)}</message>`]);
    expect(ok.error).toBeUndefined();
  });

  it("refuses mismatched tags as not-well-formed and stays failed", () => {
    const r = collect(`${HEADER}<message><body></message>`);
    expect((r.error as XmppStreamError).condition).toBe("not-well-formed");
    expect(() => r.parser.write(new TextEncoder().encode("<presence/>"))).toThrow(XmppStreamError);
  });

  it("ignores whitespace keep-alives between stanzas", () => {
    const r = collect([HEADER, " ", "\n", "<presence/>", " "]);
    expect(r.error).toBeUndefined();
    expect(r.elements).toEqual([el("presence")]);
  });

  it("raises only XmppStreamError when real stanzas are mutated byte by byte (seeded mutation fuzzing)", () => {
    const real = new TextEncoder().encode(
      `${HEADER}<message from='juliet@example.com/balcony' to='romeo@sip.example.com' type='chat' id='x1'><body>Art thou not Romeo &amp; a Montague?</body><active xmlns='http://jabber.org/protocol/chatstates'/></message><presence from='a@b/c' to='d@sip.example.com'><show>away</show><![CDATA[x]]></presence><iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>`,
    );
    const mutation = fc.record({ at: fc.nat(real.length - 1), byte: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 8 }), fc.nat(real.length), (mutations, cut) => {
        const bytes = real.slice();
        for (const m of mutations) bytes[m.at] = m.byte;
        const parser = new StreamParser(limits, {
          onStreamStart: () => {},
          onElement: () => {},
          onStreamEnd: () => {},
        });
        try {
          parser.write(bytes.subarray(0, cut));
          parser.write(bytes.subarray(cut));
        } catch (err) {
          expect(err).toBeInstanceOf(XmppStreamError);
        }
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it("raises only XmppStreamError on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (junk) => {
        const r = collect(HEADER + junk);
        if (r.error !== undefined) expect(r.error).toBeInstanceOf(XmppStreamError);
      }),
    );
  });
});

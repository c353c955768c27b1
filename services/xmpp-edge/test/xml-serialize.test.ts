import type { XmlElement } from "@stox/events";
import { createElement, type Element } from "@xmpp/xml";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { el, serialize } from "../src/xml/xml-element.js";

/** The reference: the same element built as an @xmpp/xml (ltx) tree and serialized by it. */
function viaLtx(element: XmlElement): string {
  const build = (e: XmlElement): Element =>
    createElement(e.name, { ...e.attrs }, ...e.children.map((c) => (typeof c === "string" ? c : build(c))));
  return build(element).toString();
}

const xmlElement: fc.Arbitrary<XmlElement> = fc.letrec((tie) => ({
  node: fc.record({
    name: fc.constantFrom("message", "body", "x", "stream:error", "thread"),
    attrs: fc.dictionary(fc.constantFrom("to", "from", "id", "type", "xmlns", "xml:lang"), fc.string()),
    children: fc.array(fc.oneof(fc.string(), tie("node") as fc.Arbitrary<XmlElement>), { maxLength: 3 }),
  }),
})).node as fc.Arbitrary<XmlElement>;

describe("serialize", () => {
  it("escapes attribute values and text the way @xmpp/xml does", () => {
    const stanza = el(
      "message",
      { to: "juliet@example.com", from: `ro"meo'<&>@sip.example`, type: "chat" },
      el("body", {}, `a < b & "c" > 'd'`),
      el("active", { xmlns: "http://jabber.org/protocol/chatstates" }),
    );
    expect(serialize(stanza)).toBe(
      `<message to="juliet@example.com" from="ro&quot;meo&apos;&lt;&amp;&gt;@sip.example" type="chat">` +
        `<body>a &lt; b &amp; "c" &gt; 'd'</body><active xmlns="http://jabber.org/protocol/chatstates"/></message>`,
    );
  });

  it("writes <name/> for an element whose only children are empty strings", () => {
    expect(serialize({ name: "body", attrs: {}, children: ["", ""] })).toBe("<body/>");
  });

  it("gives the same text as building an @xmpp/xml tree, for any element (property)", () => {
    fc.assert(
      fc.property(xmlElement, (e) => serialize(e) === viaLtx(e)),
      { numRuns: 2000 },
    );
  });
});

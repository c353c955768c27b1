import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PidfParseError,
  parsePidf,
  pidfPriorityToXmpp,
  pidfToPresences,
  presenceToPidf,
  resourceToTupleId,
  serializePidf,
  tupleIdToResource,
  xmppPriorityToPidf,
} from "../src/index.js";
import type { PresenceInfo } from "../src/xmpp-presence.js";
import { DIGEST_PHONE_EXAMPLE, RFC3863_EXAMPLE, RPID_PERSON_EXAMPLE } from "./fixtures/pidf.js";

describe("parsePidf (RFC 3863)", () => {
  it("reads the RFC 3863 §5 example: tuples, basic, contact priority, notes with xml:lang, presence note", () => {
    const doc = parsePidf(RFC3863_EXAMPLE);
    expect(doc.entity).toBe("pres:someone@example.com");
    expect(doc.tuples.map((t) => t.id)).toEqual(["bs35r9", "eg92n8"]);
    expect(doc.tuples[0]).toMatchObject({
      basic: "open",
      contact: { uri: "im:someone@mobilecarrier.net", priority: "0.8" },
      notes: [
        { text: "Don't Disturb Please!", lang: "en" },
        { text: "Ne derangez pas, s'il vous plait", lang: "fr" },
      ],
      timestamp: "2001-10-27T16:49:29Z",
    });
    expect(doc.notes).toEqual([{ text: "I'll be in Tokyo next week" }]);
  });

  it("resolves namespace prefixes and reads RFC 4480 person activities", () => {
    const doc = parsePidf(RPID_PERSON_EXAMPLE);
    expect(doc.tuples[0]?.basic).toBe("open");
    expect(doc.personActivities).toEqual(["on-the-phone"]);
  });

  it.each([
    [
      "a DOCTYPE with an entity (billion laughs)",
      `<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">&a;</presence>`,
    ],
    [
      "an external entity",
      `<!DOCTYPE p SYSTEM "file:///etc/passwd"><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"/>`,
    ],
    [
      "an undeclared entity reference",
      `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"><note>&xxe;</note></presence>`,
    ],
    [
      "a processing instruction",
      `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"><?php x ?></presence>`,
    ],
    ["broken XML", `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"><tuple>`],
    ["the wrong namespace", `<presence entity="pres:a@b"/>`],
    ["no entity", `<presence xmlns="urn:ietf:params:xml:ns:pidf"/>`],
    ["a tuple without id", `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"><tuple/></presence>`],
    [
      "duplicate tuple ids",
      `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"><tuple id="x"/><tuple id="x"/></presence>`,
    ],
    [
      "a bad basic value",
      `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"><tuple id="x"><status><basic>maybe</basic></status></tuple></presence>`,
    ],
    [
      "too deep nesting",
      `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b">${"<x>".repeat(40)}${"</x>".repeat(40)}</presence>`,
    ],
  ])("refuses %s with PidfParseError", (_name, xml) => {
    expect(() => parsePidf(xml)).toThrow(PidfParseError);
  });

  it("throws only PidfParseError for arbitrary input (fast-check)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        try {
          parsePidf(s);
        } catch (err) {
          expect(err).toBeInstanceOf(PidfParseError);
        }
      }),
    );
  });

  it("parse(serialize(doc)) keeps the document (fast-check)", () => {
    // Printable ASCII and letters only: XML 1.0 forbids most control characters, and notes are trimmed.
    const text = fc
      .string({ unit: fc.constantFrom(..."abcXYZ 019<>&'\"éß€"), maxLength: 20 })
      .filter((s) => s.trim() === s);
    const tuple = fc.record({
      id: fc.string({ minLength: 1, maxLength: 10 }).map(resourceToTupleId),
      basic: fc.constantFrom("open" as const, "closed" as const),
      notes: fc.array(fc.record({ text: text.filter((s) => s !== ""), lang: fc.constantFrom("en", "fr") }), {
        maxLength: 3,
      }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(tuple, { selector: (t) => t.id, maxLength: 4 }), (tuples) => {
        const doc = {
          entity: "pres:a@b.test",
          tuples: tuples.map((t) => ({ ...t, activities: [] })),
          notes: [],
          personActivities: [],
        };
        expect(parsePidf(serializePidf(doc))).toEqual(doc);
      }),
    );
  });
});

describe("tuple ids (PRES-NTF-03, RFC 8048 §6.2 note 2)", () => {
  it.each([
    ["phone", "ID-phone"],
    ["1234", "ID-1234"],
    ["desk_top", "ID-desk_5Ftop"],
    ["Büro pc", "ID-B_C3_BCro_20pc"],
  ])("PRES-NTF-03 resource %s -> %s and back", (resource, id) => {
    expect(resourceToTupleId(resource)).toBe(id);
    expect(tupleIdToResource(id)).toBe(resource);
  });

  it("PRES-NTF-03 round-trips any resource and always yields a valid xs:ID (fast-check)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }), (resource) => {
        const id = resourceToTupleId(resource);
        expect(id).toMatch(/^ID-[A-Za-z0-9._-]+$/);
        expect(tupleIdToResource(id)).toBe(resource);
      }),
    );
  });

  it("PRES-NTF-03 does not decode ids that are not in the ID- form", () => {
    expect(tupleIdToResource("bs35r9")).toBeUndefined();
    expect(tupleIdToResource("ID-_ZZ")).toBeUndefined();
    expect(tupleIdToResource("ID-_FF")).toBeUndefined();
  });
});

describe("priority (PRES-NTF-06, PRES-NTF-07)", () => {
  it.each([
    [0, "0"],
    [1, "0.007"],
    [2, "0.015"],
    [5, "0.039"],
    [126, "0.992"],
    [127, "1"],
  ])("PRES-NTF-07 XMPP priority %i -> %s", (p, q) => {
    expect(xmppPriorityToPidf(p)).toBe(q);
  });

  it("PRES-NTF-06 negative priorities are not mapped", () => {
    expect(xmppPriorityToPidf(-1)).toBeUndefined();
    expect(xmppPriorityToPidf(-128)).toBeUndefined();
  });

  it("PRES-NTF-07 the scale is injective and reversible for 0..127 (fast-check)", () => {
    const all = new Set(Array.from({ length: 128 }, (_, p) => xmppPriorityToPidf(p)));
    expect(all.size).toBe(128);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 127 }), (p) => pidfPriorityToXmpp(xmppPriorityToPidf(p) as string) === p),
    );
  });

  it("PRES-NTF-07 reads RFC 3863 qvalues and refuses others", () => {
    expect(pidfPriorityToXmpp("0.8")).toBe(102);
    expect(pidfPriorityToXmpp("1.0")).toBe(127);
    expect(pidfPriorityToXmpp("2")).toBeUndefined();
    expect(pidfPriorityToXmpp("x")).toBeUndefined();
  });
});

const contactFor = (r: string) => `sip:alice@xmpp.test;gr=${encodeURIComponent(r)}`;
const toPidf = (resources: Record<string, PresenceInfo>, withRpid = false) =>
  presenceToPidf(new Map(Object.entries(resources)), { entity: "pres:alice@xmpp.test", contactFor, withRpid });

describe("XMPP presence -> PIDF (RFC 8048 §6.2 Table 1)", () => {
  it("PRES-NTF-10 PRES-NTF-08 writes the digest's example: entity, ID-phone, basic then show, contact priority, note", () => {
    const doc = toPidf({
      phone: { isAvailable: true, show: "dnd", statuses: [{ text: "In a meeting" }], priority: 5 },
    });
    expect(parsePidf(serializePidf(doc))).toEqual(parsePidf(DIGEST_PHONE_EXAMPLE));
    const xml = serializePidf(doc);
    expect(xml.indexOf("<basic>")).toBeLessThan(xml.indexOf("<show"));
    expect(xml.indexOf("</status>")).toBeLessThan(xml.indexOf("<contact"));
    expect(xml.indexOf("<contact")).toBeLessThan(xml.indexOf("<note"));
  });

  it("PRES-NTF-04 PRES-NTF-05 available -> open, unavailable -> closed", () => {
    const doc = toPidf({ a: { isAvailable: true, statuses: [] }, b: { isAvailable: false, statuses: [] } });
    expect(doc.tuples.map((t) => t.basic)).toEqual(["open", "closed"]);
  });

  it("PRES-NTF-11 PRES-NTF-12 writes one tuple per resource with unique ids", () => {
    const doc = toPidf({
      desk: { isAvailable: true, statuses: [] },
      phone: { isAvailable: true, show: "away", statuses: [] },
    });
    expect(doc.tuples.map((t) => t.id)).toEqual(["ID-desk", "ID-phone"]);
  });

  it("PRES-NTF-02 PRES-NTF-18 statuses become notes keeping xml:lang (stanza lang as default)", () => {
    const doc = toPidf({
      r: { isAvailable: true, lang: "en", statuses: [{ text: "Out" }, { text: "Dehors", lang: "fr" }] },
    });
    expect(doc.tuples[0]?.notes).toEqual([
      { text: "Out", lang: "en" },
      { text: "Dehors", lang: "fr" },
    ]);
  });

  it("PRES-NTF-06 leaves contact@priority out for a negative priority", () => {
    const doc = toPidf({ r: { isAvailable: true, statuses: [], priority: -5 } });
    expect(doc.tuples[0]?.contact).toEqual({ uri: "sip:alice@xmpp.test;gr=r" });
  });

  it.each([
    ["away", ["away"]],
    ["xa", ["away"]],
    ["dnd", ["busy"]],
    ["chat", []],
  ] as const)("PRES-NTF-09 with RPID enabled, show %s -> activities %j (show is kept too)", (show, activities) => {
    const doc = toPidf({ r: { isAvailable: true, show, statuses: [] } }, true);
    expect(doc.tuples[0]?.activities).toEqual(activities);
    expect(doc.tuples[0]?.show).toBe(show);
    expect(parsePidf(serializePidf(doc)).tuples[0]?.activities).toEqual(activities);
  });

  it("PRES-NTF-09 default: no RPID, show only", () => {
    expect(toPidf({ r: { isAvailable: true, show: "dnd", statuses: [] } }).tuples[0]?.activities).toEqual([]);
  });
});

describe("PIDF -> XMPP presence (RFC 8048 §6.3 Table 2)", () => {
  it("PRES-NTF-13 PRES-NTF-18 PRES-GEN-02 maps the RFC 3863 example: one presence per tuple, notes -> statuses, im:im and location dropped", () => {
    const out = pidfToPresences(parsePidf(RFC3863_EXAMPLE));
    expect(out).toHaveLength(2);
    expect(out[0]).toEqual({
      tupleId: "bs35r9",
      info: {
        isAvailable: true,
        statuses: [
          { text: "Don't Disturb Please!", lang: "en" },
          { text: "Ne derangez pas, s'il vous plait", lang: "fr" },
        ],
        priority: 102,
      },
    });
    // the second tuple has no note: the document note is used
    expect(out[1]?.info.statuses).toEqual([{ text: "I'll be in Tokyo next week" }]);
    expect(out[1]?.info.priority).toBe(127);
  });

  it("PRES-NTF-13 closed -> unavailable, dropping show and priority", () => {
    const xml = `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:b@sip.test"><tuple id="ID-x"><status><basic>closed</basic><show xmlns="jabber:client">dnd</show></status><contact priority="0.5">sip:b@sip.test</contact><note>gone</note></tuple></presence>`;
    expect(pidfToPresences(parsePidf(xml))).toEqual([
      { tupleId: "ID-x", resource: "x", info: { isAvailable: false, statuses: [{ text: "gone" }] } },
    ]);
  });

  it("PRES-NTF-14 copies a jabber:client show and drops values outside away/chat/dnd/xa", () => {
    const doc = (show: string) =>
      parsePidf(
        `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:b@s"><tuple id="t"><status><basic>open</basic><show xmlns="jabber:client">${show}</show></status></tuple></presence>`,
      );
    expect(pidfToPresences(doc("xa"))[0]?.info.show).toBe("xa");
    expect(pidfToPresences(doc("sleepy"))[0]?.info.show).toBeUndefined();
  });

  it("PRES-NTF-09 PRES-NTF-19 reads RPID activities in reverse (on-the-phone -> dnd)", () => {
    expect(pidfToPresences(parsePidf(RPID_PERSON_EXAMPLE))[0]?.info.show).toBe("dnd");
  });

  it("PRES-NTF-15 picks the resource: contact gr, then decoded tuple id, then the NOTIFY Contact gr, else bare", () => {
    const xml = `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:b@s">
      <tuple id="ID-desk"><status><basic>open</basic></status><contact>sip:b@s;gr=mobile</contact></tuple>
      <tuple id="ID-desk2"><status><basic>open</basic></status></tuple>
      <tuple id="plain"><status><basic>open</basic></status></tuple>
      <tuple id="nobasic"><status/></tuple></presence>`;
    expect(pidfToPresences(parsePidf(xml)).map((p) => p.resource)).toEqual(["mobile", "desk2", undefined]);
    expect(pidfToPresences(parsePidf(xml), { contactGr: "ua" }).map((p) => p.resource)).toEqual([
      "mobile",
      "desk2",
      "ua",
    ]);
  });

  it("PRES-NTF-18 Content-Language becomes the stanza xml:lang", () => {
    const out = pidfToPresences(parsePidf(DIGEST_PHONE_EXAMPLE), { contentLanguage: "de" });
    expect(out[0]?.info).toEqual({
      isAvailable: true,
      show: "dnd",
      statuses: [{ text: "In a meeting" }],
      priority: 5,
      lang: "de",
    });
  });
});

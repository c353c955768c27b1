import { PidfParseError } from "../errors.js";
import {
  JABBER_CLIENT_NS,
  PIDF_DM_NS,
  PIDF_NS,
  type PidfDocument,
  type PidfNote,
  type PidfTuple,
  RPID_NS,
} from "./pidf-model.js";
import {
  childElements,
  childrenNamed,
  type NsElement,
  parseXmlTree,
  textOf,
  XML_NS,
  type XmlLimits,
} from "./xml-tree.js";

/** Limits for presence documents. One document per NOTIFY; generous for real clients, small for a parser. */
export const PIDF_LIMITS: XmlLimits = { maxChars: 64 * 1024, maxDepth: 16, maxElements: 2_000 };
/** More tuples than this in one document is refused (each becomes a stanza). */
export const MAX_TUPLES = 64;

const LANG = `{${XML_NS}}lang`;

/**
 * Reads a PIDF document (RFC 3863). Unknown elements are skipped (§4.1.5: extensions MUST be ignored when
 * not understood). Throws PidfParseError for anything not well-formed, a DTD, a root other than
 * `{urn:ietf:params:xml:ns:pidf}presence`, a missing `entity`, a tuple without `id`, or duplicate tuple ids.
 */
export function parsePidf(text: string, limits: XmlLimits = PIDF_LIMITS): PidfDocument {
  const root = parseXmlTree(text, limits);
  if (root.uri !== PIDF_NS || root.local !== "presence") {
    throw new PidfParseError(`root element is {${root.uri}}${root.local}, not a PIDF presence`);
  }
  const entity = root.attrs.entity;
  if (!entity) throw new PidfParseError("presence has no entity attribute");
  const rootLang = root.attrs[LANG];
  const tupleEls = childrenNamed(root, PIDF_NS, "tuple");
  if (tupleEls.length > MAX_TUPLES) throw new PidfParseError(`more than ${MAX_TUPLES} tuples`);
  const seen = new Set<string>();
  const tuples = tupleEls.map((el) => {
    const tuple = readTuple(el, rootLang);
    if (seen.has(tuple.id)) throw new PidfParseError(`duplicate tuple id ${tuple.id}`);
    seen.add(tuple.id);
    return tuple;
  });
  const personActivities = childrenNamed(root, PIDF_DM_NS, "person").flatMap(activitiesIn);
  return { entity, tuples, notes: readNotes(root, PIDF_NS, rootLang), personActivities };
}

function readTuple(el: NsElement, inheritedLang: string | undefined): PidfTuple {
  const id = el.attrs.id;
  if (!id) throw new PidfParseError("tuple without id");
  const lang = el.attrs[LANG] ?? inheritedLang;
  const status = childrenNamed(el, PIDF_NS, "status")[0];
  const basicEl = status ? childrenNamed(status, PIDF_NS, "basic")[0] : undefined;
  const basicText = basicEl ? textOf(basicEl) : undefined;
  if (basicText !== undefined && basicText !== "open" && basicText !== "closed") {
    throw new PidfParseError(`basic status "${basicText.slice(0, 32)}" is neither open nor closed`);
  }
  const showEl = status ? childrenNamed(status, JABBER_CLIENT_NS, "show")[0] : undefined;
  const contactEl = childrenNamed(el, PIDF_NS, "contact")[0];
  const timestampEl = childrenNamed(el, PIDF_NS, "timestamp")[0];
  const priority = contactEl?.attrs.priority;
  return {
    id,
    ...(basicText ? { basic: basicText } : {}),
    ...(showEl ? { show: textOf(showEl) } : {}),
    activities: status ? activitiesIn(status) : [],
    ...(contactEl ? { contact: { uri: textOf(contactEl), ...(priority ? { priority } : {}) } } : {}),
    notes: readNotes(el, PIDF_NS, lang),
    ...(timestampEl ? { timestamp: textOf(timestampEl) } : {}),
  };
}

function readNotes(el: NsElement, uri: string, inheritedLang: string | undefined): PidfNote[] {
  return childrenNamed(el, uri, "note").map((n) => {
    const lang = n.attrs[LANG] ?? inheritedLang;
    return { text: textOf(n), ...(lang ? { lang } : {}) };
  });
}

/** RFC 4480 §3.2: `<rpid:activities>` holds one element per activity (plus optional notes). */
function activitiesIn(el: NsElement): string[] {
  return childrenNamed(el, RPID_NS, "activities").flatMap((a) =>
    childElements(a)
      .filter((c) => c.uri === RPID_NS && c.local !== "note")
      .map((c) => c.local),
  );
}

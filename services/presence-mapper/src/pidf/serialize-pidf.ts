import { JABBER_CLIENT_NS, PIDF_NS, type PidfDocument, type PidfNote, type PidfTuple, RPID_NS } from "./pidf-model.js";
import { escapeXml } from "./xml-tree.js";

function note(n: PidfNote, indent: string): string {
  const lang = n.lang ? ` xml:lang="${escapeXml(n.lang)}"` : "";
  return `${indent}<note${lang}>${escapeXml(n.text)}</note>\n`;
}

// PRES-NTF-10: inside each tuple, status (basic, then extensions), contact, note.
function tuple(t: PidfTuple): string {
  let out = `  <tuple id="${escapeXml(t.id)}">\n    <status>\n`;
  if (t.basic) out += `      <basic>${t.basic}</basic>\n`;
  if (t.show) out += `      <show xmlns="${JABBER_CLIENT_NS}">${escapeXml(t.show)}</show>\n`;
  if (t.activities.length > 0) {
    out += `      <rpid:activities>${t.activities.map((a) => `<rpid:${a}/>`).join("")}</rpid:activities>\n`;
  }
  out += "    </status>\n";
  if (t.contact) {
    const priority = t.contact.priority ? ` priority="${escapeXml(t.contact.priority)}"` : "";
    out += `    <contact${priority}>${escapeXml(t.contact.uri)}</contact>\n`;
  }
  for (const n of t.notes) out += note(n, "    ");
  if (t.timestamp) out += `    <timestamp>${escapeXml(t.timestamp)}</timestamp>\n`;
  return `${out}  </tuple>\n`;
}

/**
 * Writes a PIDF document (RFC 3863 §4). Activity names must be RFC 4480 element names (the mapper only
 * writes the fixed ones from its table), so they are not escaped.
 */
export function serializePidf(doc: PidfDocument): string {
  const usesRpid = doc.tuples.some((t) => t.activities.length > 0);
  const rpid = usesRpid ? ` xmlns:rpid="${RPID_NS}"` : "";
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="${PIDF_NS}"${rpid} entity="${escapeXml(doc.entity)}">\n`;
  for (const t of doc.tuples) out += tuple(t);
  for (const n of doc.notes) out += note(n, "  ");
  return `${out}</presence>\n`;
}

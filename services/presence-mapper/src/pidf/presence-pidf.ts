import { isShow, type LangText, type PresenceInfo, type Show } from "../xmpp-presence.js";
import type { PidfDocument, PidfTuple } from "./pidf-model.js";
import { pidfPriorityToXmpp, xmppPriorityToPidf } from "./priority.js";
import { resourceToTupleId, tupleIdToResource } from "./tuple-id.js";

/** PRES-NTF-09 (optional RPID table, RFC 4480 §3.2 activity names). chat has no activity. */
const SHOW_TO_ACTIVITY: Readonly<Record<Show, string | undefined>> = {
  away: "away",
  xa: "away",
  dnd: "busy",
  chat: undefined,
};
const ACTIVITY_TO_SHOW: Readonly<Record<string, Show>> = {
  busy: "dnd",
  "on-the-phone": "dnd",
  meeting: "dnd",
  away: "away",
  vacation: "away",
  sleeping: "away",
};

export interface ToPidfOptions {
  /** `presence@entity`: `pres:` + the presentity's SIP AOR without scheme (PRES-NTF-10). */
  readonly entity: string;
  /** The contact URI for one resource (PROJ: the presentity's SIP URI with `;gr=<resource>`). */
  contactFor(resource: string): string;
  /** Also write RPID activities for show (PRES-NTF-09); default false: `<show/>` only. */
  readonly withRpid?: boolean;
}

/**
 * XMPP -> PIDF (RFC 8048 §6.2, Table 1): one tuple per resource (PRES-NTF-11), basic open/closed from the
 * type (PRES-NTF-04), show inside status (PRES-NTF-08), status -> note with xml:lang, priority scaled and
 * left out when negative (PRES-NTF-06/07). Tuples come out in resource order so documents are stable.
 */
export function presenceToPidf(resources: ReadonlyMap<string, PresenceInfo>, options: ToPidfOptions): PidfDocument {
  const names = [...resources.keys()].sort();
  const tuples = names.map((resource): PidfTuple => {
    const info = resources.get(resource) as PresenceInfo;
    const priority = info.isAvailable && info.priority !== undefined ? xmppPriorityToPidf(info.priority) : undefined;
    const activity = info.isAvailable && info.show && options.withRpid ? SHOW_TO_ACTIVITY[info.show] : undefined;
    return {
      id: resourceToTupleId(resource),
      basic: info.isAvailable ? "open" : "closed",
      ...(info.isAvailable && info.show ? { show: info.show } : {}),
      activities: activity ? [activity] : [],
      contact: { uri: options.contactFor(resource), ...(priority !== undefined ? { priority } : {}) },
      notes: info.statuses.map((s) => ({
        text: s.text,
        ...((s.lang ?? info.lang) ? { lang: s.lang ?? info.lang } : {}),
      })),
    };
  });
  return { entity: options.entity, tuples, notes: [], personActivities: [] };
}

export interface TuplePresence {
  readonly tupleId: string;
  /** The XMPP resource for this tuple; undefined: send from the bare JID. */
  readonly resource?: string;
  readonly info: PresenceInfo;
}

export interface FromPidfOptions {
  /** The `gr` of the NOTIFY's Contact, if any (third choice in PRES-NTF-15). */
  readonly contactGr?: string;
  /** Content-Language of the NOTIFY -> the stanza's xml:lang (PRES-NTF-18). */
  readonly contentLanguage?: string;
}

function grOf(uri: string): string | undefined {
  // The gr URI parameter (RFC 5627): between ";gr=" and the next ";" / "?" / end; a gr without value is ignored.
  const lower = uri.toLowerCase();
  const at = lower.indexOf(";gr=");
  if (at < 0) return undefined;
  let end = uri.length;
  for (const stop of [";", "?", ">"]) {
    const i = uri.indexOf(stop, at + 4);
    if (i >= 0 && i < end) end = i;
  }
  const raw = uri.slice(at + 4, end);
  if (raw === "") return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function showFor(tuple: PidfTuple, personActivities: readonly string[]): Show | undefined {
  // PRES-NTF-14: an explicit jabber:client show wins; only the four RFC 6121 values are kept.
  if (tuple.show !== undefined) return isShow(tuple.show) ? tuple.show : undefined;
  // PRES-NTF-09 in reverse: tuple activities, then the person's.
  for (const a of [...tuple.activities, ...personActivities]) {
    const show = ACTIVITY_TO_SHOW[a];
    if (show) return show;
  }
  return undefined;
}

/**
 * PIDF -> XMPP (RFC 8048 §6.3, Table 2): one presence per tuple that has a basic status (PRES-NTF-15),
 * open -> available, closed -> unavailable without show/priority (PRES-NTF-13), notes -> status
 * (tuple notes first, else document notes, PRES-NTF-18), contact@priority -> priority.
 */
export function pidfToPresences(doc: PidfDocument, options: FromPidfOptions = {}): TuplePresence[] {
  const out: TuplePresence[] = [];
  for (const tuple of doc.tuples) {
    if (!tuple.basic) continue;
    const isAvailable = tuple.basic === "open";
    const notes = tuple.notes.length > 0 ? tuple.notes : doc.notes;
    const statuses: LangText[] = notes.map((n) => ({ text: n.text, ...(n.lang ? { lang: n.lang } : {}) }));
    const show = isAvailable ? showFor(tuple, doc.personActivities) : undefined;
    const priority =
      isAvailable && tuple.contact?.priority !== undefined ? pidfPriorityToXmpp(tuple.contact.priority) : undefined;
    const resource =
      (tuple.contact ? grOf(tuple.contact.uri) : undefined) ?? tupleIdToResource(tuple.id) ?? options.contactGr;
    const info: PresenceInfo = {
      isAvailable,
      ...(show ? { show } : {}),
      statuses,
      ...(priority !== undefined ? { priority } : {}),
      ...(options.contentLanguage ? { lang: options.contentLanguage } : {}),
    };
    out.push({ tupleId: tuple.id, ...(resource ? { resource } : {}), info });
  }
  return out;
}

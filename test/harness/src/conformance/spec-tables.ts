/** RFC 2119 keywords as written in the digests, plus INFO (background, nothing to test). */
export type RequirementLevel =
  | "MUST"
  | "MUST NOT"
  | "SHOULD"
  | "SHOULD NOT"
  | "RECOMMENDED"
  | "NOT RECOMMENDED"
  | "MAY"
  | "INFO";

/** How a level is counted: RFC 2119 §1-§5 make REQUIRED/SHALL = MUST and RECOMMENDED = SHOULD. */
export type LevelBucket = "MUST" | "SHOULD" | "MAY" | "INFO";

export interface Requirement {
  /** e.g. "CORE-ADDR-25" */
  readonly id: string;
  /** The level as written (normalised spacing); "SHOULD / MUST" rows keep that text. */
  readonly level: string;
  readonly bucket: LevelBucket;
  /** RFC, RFC-d, BASE, PROJ (digests with an Origin column); RFC or Derived (digests with a Source column). */
  readonly origin: string;
  /** First sentence of the requirement text, without markdown emphasis, at most ~160 characters. */
  readonly summary: string;
  /** The spec reference column ("§6.5 step 5", "RFC 4975 §7.1.1"). */
  readonly ref: string;
  /** Digest headings above the table ("2. XMPP -> SIP (X2S) — RFC 7572 §4 › 2.2 Requirements"). */
  readonly section: string;
  /** Digest file name, e.g. "core.md". */
  readonly specFile: string;
}

export interface ParsedSpec {
  readonly specFile: string;
  readonly title: string;
  readonly requirements: readonly Requirement[];
  /** The "Total: N requirement IDs" the digest's ID index states, when it states one. */
  readonly declaredTotal: number | undefined;
}

const ID = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-\d+[a-z]?$/;

/** Splits a markdown table row on unescaped pipes; `\|` stays a literal pipe inside a cell. */
export function splitTableRow(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let inCode = false;
  const body = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch === "\\" && body[i + 1] === "|") {
      cell += "|";
      i++;
    } else if (ch === "`") {
      inCode = !inCode;
      cell += ch;
    } else if (ch === "|" && !inCode) {
      cells.push(cell.trim());
      cell = "";
    } else {
      cell += ch;
    }
  }
  cells.push(cell.trim());
  return cells;
}

/**
 * Maps a written level to the bucket it is counted in. "MUST NOT" counts as MUST, "SHOULD NOT",
 * "RECOMMENDED" and "NOT RECOMMENDED" as SHOULD (RFC 2119 §1-§4); a mixed "SHOULD / MUST" row counts as
 * MUST, its strictest part. Returns undefined for anything that is not a level.
 */
export function levelBucket(level: string): LevelBucket | undefined {
  const words = level.toUpperCase().replace(/\s+/g, " ").trim();
  if (words === "INFO") return "INFO";
  if (/\b(MUST|REQUIRED|SHALL)\b/.test(words)) return "MUST";
  if (/\b(SHOULD|RECOMMENDED)\b/.test(words)) return "SHOULD";
  if (/\b(MAY|OPTIONAL)\b/.test(words)) return "MAY";
  return undefined;
}

function summarize(text: string): string {
  const plain = text
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/^\((Derived)\)\s*/i, "")
    .replace(/\s+/g, " ")
    .trim();
  // A colon does not end the summary: cells start with labels ("X2S:", "PROJ:") and say "a sip: URI".
  const sentence = /^(.+?[.;])(\s|$)/.exec(plain)?.[1] ?? plain;
  return sentence.length <= 160 ? sentence : `${sentence.slice(0, 157).trimEnd()}...`;
}

interface Columns {
  readonly level: number;
  readonly origin: number | undefined;
  readonly text: number;
  readonly ref: number;
}

function columnsOf(header: readonly string[]): Columns | undefined {
  const at = (name: string) => header.findIndex((h) => h.toLowerCase() === name);
  if (at("id") !== 0 || at("level") < 0 || at("requirement") < 0) return undefined;
  const origin = at("origin");
  const ref = Math.max(at("ref"), at("source"));
  return { level: at("level"), origin: origin < 0 ? undefined : origin, text: at("requirement"), ref };
}

/**
 * Reads the requirement tables of one spec digest: every table whose header starts `| ID | Level |` and
 * has a Requirement column (`| ID | Level | Origin | Requirement | Ref |` or `| ID | Level | Requirement | Source |`).
 * The section is the `##`/`###` headings above the table.
 */
export function parseSpecRequirements(markdown: string, specFile: string): ParsedSpec {
  const requirements: Requirement[] = [];
  let title = specFile;
  const headings: string[] = [];
  let columns: Columns | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) {
      const depth = (heading[1] as string).length;
      const text = (heading[2] as string).trim();
      if (depth === 1) title = text;
      else headings.splice(depth - 2, headings.length, text);
      columns = undefined;
      continue;
    }
    if (!line.trimStart().startsWith("|")) {
      columns = undefined;
      continue;
    }
    const cells = splitTableRow(line);
    if (cells[0]?.toLowerCase() === "id") {
      columns = columnsOf(cells);
      continue;
    }
    if (columns === undefined || !ID.test(cells[0] ?? "")) continue;
    const level = (cells[columns.level] ?? "").replace(/\s+/g, " ");
    const bucket = levelBucket(level);
    if (bucket === undefined) continue;
    const text = cells[columns.text] ?? "";
    const ref = cells[columns.ref] ?? "";
    const origin =
      columns.origin !== undefined
        ? (cells[columns.origin] ?? "")
        : /^\(Derived\)/.test(text) || /^Derived\b/.test(ref)
          ? "Derived"
          : "RFC";
    requirements.push({
      id: cells[0] as string,
      level,
      bucket,
      origin,
      summary: summarize(text),
      ref,
      section: headings.join(" › "),
      specFile,
    });
  }
  const total = /\*\*Total:\s*(\d+)\s+requirement IDs/i.exec(markdown);
  return { specFile, title, requirements, declaredTotal: total ? Number(total[1]) : undefined };
}

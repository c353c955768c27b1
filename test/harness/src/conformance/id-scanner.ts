import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const ID_OR_RANGE = /\b([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)-(\d+)([a-z]?)(?:\s*(?:\.\.|–|—)\s*(\d+)\b)?/g;

/**
 * Requirement IDs named in a text, in order of first appearance, without duplicates. A range such as
 * `CORE-ERR-03..05` (or with an en dash) names 03, 04 and 05. When `known` is given, only IDs in it
 * count (so "RFC-3261" or "UTF-8" never do).
 */
export function findRequirementIds(text: string, known?: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(ID_OR_RANGE)) {
    const prefix = m[1] as string;
    const first = m[2] as string;
    const ids = [`${prefix}-${first}${m[3] ?? ""}`];
    if (m[4] !== undefined && m[3] === "") {
      const last = Number(m[4]);
      for (let n = Number(first) + 1; n <= last && n - Number(first) < 100; n++) {
        ids.push(`${prefix}-${String(n).padStart(first.length, "0")}`);
      }
    }
    for (const id of ids) if (known === undefined || known.has(id)) found.add(id);
  }
  return [...found];
}

const SKIP = new Set(["node_modules", "dist", ".git", "coverage"]);

/** Test files under `root`: `**\/test/**\/*.test.ts`, skipping node_modules, dist and .git. Paths relative to root. */
export function listTestFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, isUnderTest: boolean) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, isUnderTest || entry.name === "test");
      else if (isUnderTest && entry.name.endsWith(".test.ts")) out.push(relative(root, path));
    }
  };
  walk(root, false);
  return out.sort();
}

/** For each known ID, the test files that name it. */
export function scanTestFiles(root: string, known: ReadonlySet<string>): Map<string, string[]> {
  const hits = new Map<string, string[]>();
  for (const file of listTestFiles(root)) {
    for (const id of findRequirementIds(readFileSync(join(root, file), "utf8"), known)) {
      const files = hits.get(id) ?? [];
      files.push(file);
      hits.set(id, files);
    }
  }
  return hits;
}

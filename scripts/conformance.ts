// pnpm conformance: which requirement IDs of the spec digests do the tests name?
// 1. The catalogue: parsed from ../shared/spec/*.md into docs/requirements.json when that folder exists,
//    otherwise read from the committed docs/requirements.json (a fresh clone has no ../shared).
// 2. Scans **/test/**/*.test.ts for the IDs they name, prints a table per spec, writes docs/conformance.md.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  type Catalogue,
  computeCoverage,
  listTestFiles,
  parseSpecRequirements,
  renderMarkdownReport,
  renderTextReport,
  scanTestFiles,
} from "../test/harness/src/conformance/index.js";

const root = resolve(import.meta.dirname, "..");
const specDir = resolve(root, "../shared/spec");
const catalogueFile = join(root, "docs/requirements.json");
const reportFile = join(root, "docs/conformance.md");

function loadCatalogue(): Catalogue {
  if (!existsSync(specDir)) {
    console.log(`${specDir} not found: using the committed docs/requirements.json`);
    return JSON.parse(readFileSync(catalogueFile, "utf8")) as Catalogue;
  }
  const files = readdirSync(specDir)
    .filter((f) => f.endsWith(".md"))
    .sort();
  const specs = files.map((f) => parseSpecRequirements(readFileSync(join(specDir, f), "utf8"), f));
  const catalogue: Catalogue = { version: 1, source: "../shared/spec/*.md", specs };
  writeFileSync(catalogueFile, `${JSON.stringify(catalogue, null, 2)}\n`);
  console.log(
    `docs/requirements.json: ${specs.reduce((n, s) => n + s.requirements.length, 0)} IDs from ${files.length} digests`,
  );
  return catalogue;
}

const catalogue = loadCatalogue();
for (const spec of catalogue.specs) {
  if (spec.declaredTotal !== undefined && spec.declaredTotal !== spec.requirements.length) {
    console.log(`warning: ${spec.specFile} declares ${spec.declaredTotal} IDs, ${spec.requirements.length} parsed`);
  }
}
const known = new Set(catalogue.specs.flatMap((s) => s.requirements.map((r) => r.id)));
const hits = scanTestFiles(root, known);
const coverage = computeCoverage(catalogue, hits);
console.log(`${listTestFiles(root).length} test files scanned\n`);
console.log(renderTextReport(coverage));
writeFileSync(reportFile, renderMarkdownReport(coverage, { command: "pnpm conformance" }));
// Keep the committed report in the shape `pnpm lint` expects.
execFileSync(join(root, "node_modules/.bin/biome"), ["format", "--write", reportFile], { stdio: "ignore" });
console.log("wrote docs/conformance.md");
updateReadme();

/** Copies the summary table of docs/conformance.md into the README's testing section, between its markers. */
function updateReadme(): void {
  const readmeFile = join(root, "README.md");
  const start = "<!-- conformance:start -->";
  const end = "<!-- conformance:end -->";
  const readme = readFileSync(readmeFile, "utf8");
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) {
    console.log("README.md has no conformance markers: not updated");
    return;
  }
  const report = readFileSync(reportFile, "utf8").split("\n");
  const first = report.findIndex((l) => l.startsWith("| Spec"));
  const last = report.findIndex((l, i) => i > first && !l.startsWith("|"));
  const table = report.slice(first, last < 0 ? undefined : last).join("\n");
  writeFileSync(readmeFile, `${readme.slice(0, from + start.length)}\n${table}\n${readme.slice(to)}`);
  console.log("updated the conformance table in README.md");
}

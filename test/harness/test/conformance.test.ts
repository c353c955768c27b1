import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type Catalogue,
  computeCoverage,
  findRequirementIds,
  levelBucket,
  listTestFiles,
  parseSpecRequirements,
  renderTextReport,
  splitTableRow,
} from "../src/conformance/index.js";

const sample = readFileSync(resolve(import.meta.dirname, "fixtures/spec-sample.md"), "utf8");

describe("spec table parser", () => {
  const parsed = parseSpecRequirements(sample, "sample.md");
  const byId = new Map(parsed.requirements.map((r) => [r.id, r]));

  it("reads the rows of both table styles and nothing else", () => {
    expect(parsed.requirements.map((r) => r.id)).toEqual([
      "SAMP-ADDR-01",
      "SAMP-ADDR-02",
      "SAMP-ADDR-03",
      "SAMP-MSG-01",
      "SAMP-MSG-02",
      "SAMP-MSG-03",
    ]);
    expect(parsed.declaredTotal).toBe(6);
    expect(parsed.title).toBe("SAMPLE — two table styles");
  });

  it("keeps level, origin, reference and the heading path of each row", () => {
    expect(byId.get("SAMP-ADDR-02")).toMatchObject({
      level: "MUST NOT",
      bucket: "MUST",
      origin: "PROJ",
      ref: "§1.2",
      section: "1. Addresses (RFC 0000 §1) › 1.1 Requirements",
      specFile: "sample.md",
      summary: "Never forward a URI with a password.",
    });
    expect(byId.get("SAMP-MSG-02")).toMatchObject({ bucket: "SHOULD", origin: "Derived", section: "2. Messages" });
    expect(byId.get("SAMP-MSG-03")).toMatchObject({ bucket: "MAY", origin: "RFC" });
  });

  it("summarises with the first sentence and keeps escaped pipes inside cells", () => {
    expect(byId.get("SAMP-ADDR-01")?.summary).toBe("Escape `|` and `{` in user parts.");
    expect(splitTableRow("| A | `x|y` | b \\| c |")).toEqual(["A", "`x|y`", "b | c"]);
  });

  it("reads past colons (a leading 'X2S:', 'a sip: URI') to the end of the first sentence", () => {
    const table = [
      "## 1. Labels",
      "",
      "| ID | Level | Requirement | Ref |",
      "|---|---|---|---|",
      "| LAB-01 | MUST | X2S: put the sender's bare JID (as a sip: URI) in `From`; carry the resource as GRUU. | §1 |",
      "| LAB-02 | MUST | **PROJ:** refresh at 80 %. | §2 |",
    ].join("\n");
    const rows = parseSpecRequirements(table, "labels.md").requirements;
    expect(rows.map((r) => r.summary)).toEqual([
      "X2S: put the sender's bare JID (as a sip: URI) in `From`;",
      "PROJ: refresh at 80 %.",
    ]);
  });

  it.each([
    ["MUST", "MUST"],
    ["MUST NOT", "MUST"],
    ["SHOULD / MUST", "MUST"],
    ["SHOULD NOT", "SHOULD"],
    ["RECOMMENDED", "SHOULD"],
    ["NOT RECOMMENDED", "SHOULD"],
    ["MAY", "MAY"],
    ["INFO", "INFO"],
    ["XMPP", undefined],
  ])("counts level %s as %s", (level, bucket) => {
    expect(levelBucket(level)).toBe(bucket);
  });
});

describe("requirement ID scanner", () => {
  const known = new Set(["SAMP-ERR-03", "SAMP-ERR-04", "SAMP-ERR-05", "SAMP-X2S-01", "SAMP-FRAME-03a"]);

  it("finds IDs in test names and comments, once each, in order", () => {
    const text = `it("maps 404 (SAMP-ERR-04, RFC 7247 §7)") // also SAMP-X2S-01 and SAMP-ERR-04 again`;
    expect(findRequirementIds(text, known)).toEqual(["SAMP-ERR-04", "SAMP-X2S-01"]);
  });

  it("expands ranges written with .. or an en dash", () => {
    expect(findRequirementIds("covers SAMP-ERR-03..05", known)).toEqual(["SAMP-ERR-03", "SAMP-ERR-04", "SAMP-ERR-05"]);
    expect(findRequirementIds("covers SAMP-ERR-03–04", known)).toEqual(["SAMP-ERR-03", "SAMP-ERR-04"]);
  });

  it("ignores look-alikes that are not in the catalogue", () => {
    expect(findRequirementIds("RFC-3261 UTF-8 SHA-1 SAMP-ERR-99 SAMP-FRAME-03a", known)).toEqual(["SAMP-FRAME-03a"]);
    expect(findRequirementIds("UTF-8 SAMP-ERR-03")).toEqual(["UTF-8", "SAMP-ERR-03"]);
  });

  it("lists **/test/**/*.test.ts and skips node_modules and dist", () => {
    const root = mkdtempSync(join(tmpdir(), "stox-scan-"));
    try {
      for (const dir of ["libs/a/test/unit", "libs/a/src", "libs/a/node_modules/x/test", "libs/a/dist/test"]) {
        mkdirSync(join(root, dir), { recursive: true });
      }
      for (const file of [
        "libs/a/test/a.test.ts",
        "libs/a/test/unit/b.int.test.ts",
        "libs/a/test/helper.ts",
        "libs/a/src/c.test.ts",
        "libs/a/node_modules/x/test/d.test.ts",
        "libs/a/dist/test/e.test.ts",
      ]) {
        writeFileSync(join(root, file), "");
      }
      expect(listTestFiles(root)).toEqual(["libs/a/test/a.test.ts", "libs/a/test/unit/b.int.test.ts"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("coverage", () => {
  it("counts covered and uncovered per level bucket and leaves INFO out", () => {
    const catalogue: Catalogue = { version: 1, source: "test", specs: [parseSpecRequirements(sample, "sample.md")] };
    const hits = new Map([
      ["SAMP-ADDR-01", ["libs/x/test/a.test.ts"]],
      ["SAMP-ADDR-03", ["libs/x/test/a.test.ts"]],
    ]);
    const [c] = computeCoverage(catalogue, hits);
    expect(c?.counts).toEqual({
      MUST: { total: 3, covered: 1 },
      SHOULD: { total: 1, covered: 0 },
      MAY: { total: 1, covered: 0 },
    });
    expect(c?.info).toBe(1);
    expect(c?.uncovered.map((r) => r.id)).toEqual(["SAMP-ADDR-02", "SAMP-MSG-01", "SAMP-MSG-02", "SAMP-MSG-03"]);
    expect(renderTextReport(computeCoverage(catalogue, hits))).toContain("sample.md  1/3   0/1     0/1  1     4");
  });

  it("the committed docs/requirements.json has unique IDs and matches each digest's declared total", () => {
    const catalogue = JSON.parse(
      readFileSync(resolve(import.meta.dirname, "../../../docs/requirements.json"), "utf8"),
    ) as Catalogue;
    const ids = catalogue.specs.flatMap((s) => s.requirements.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(catalogue.specs.length).toBeGreaterThan(0);
    for (const spec of catalogue.specs) {
      if (spec.declaredTotal !== undefined) expect(spec.requirements.length, spec.specFile).toBe(spec.declaredTotal);
    }
  });
});

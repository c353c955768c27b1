import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAPPING_EXAMPLES, renderExamplesTable } from "./fixtures/mapping-examples.js";
import { examplesBlock, tableCells } from "./fixtures/readme-block.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("shows exactly the mapping examples the tests run (rerun scripts/update-readme.ts if this fails)", () => {
    const block = examplesBlock(readme);
    expect(block).toBeDefined();
    const expected = tableCells(renderExamplesTable(MAPPING_EXAMPLES));
    expect(expected).toHaveLength(MAPPING_EXAMPLES.length + 1);
    expect(tableCells(block ?? "")).toEqual(expected);
  });

  it("lists every public error code", () => {
    for (const code of [
      "STOX_JID_INVALID",
      "STOX_URI_PARSE",
      "STOX_PRECIS",
      "STOX_DOMAIN_INVALID",
      "STOX_ADDRESS_UNMAPPABLE",
      "STOX_ERROR_UNMAPPABLE",
      "STOX_DOMAIN_POLICY_CONFIG",
    ]) {
      expect(readme).toContain(code);
    }
  });
});

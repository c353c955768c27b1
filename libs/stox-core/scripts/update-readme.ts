// Rewrites the examples table in README.md from test/fixtures/mapping-examples.ts.
// Run: node --conditions=source --import tsx libs/stox-core/scripts/update-readme.ts
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderExamplesTable } from "../test/fixtures/mapping-examples.js";
import { EXAMPLES_END, EXAMPLES_START, replaceExamplesBlock } from "../test/fixtures/readme-block.js";

const readmePath = fileURLToPath(new URL("../README.md", import.meta.url));
const readme = readFileSync(readmePath, "utf8");
writeFileSync(readmePath, replaceExamplesBlock(readme, renderExamplesTable()));
process.stdout.write(`updated the block between ${EXAMPLES_START} and ${EXAMPLES_END} in ${readmePath}\n`);

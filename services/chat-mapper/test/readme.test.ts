import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const tests = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith(".test.ts") && f !== "readme.test.ts")
  .map((f) => readFileSync(join(import.meta.dirname, f), "utf8"))
  .join("\n");

// The ID index of shared/spec/im.md §14: 80 requirement IDs.
const IM_INDEX: readonly [string, number][] = [
  ["GEN", 2],
  ["X2S", 25],
  ["S2X", 22],
  ["TYPE", 7],
  ["LANG", 4],
  ["CT", 5],
  ["SIZE", 5],
  ["SEC", 6],
  ["STATE", 4],
];
const ids = IM_INDEX.flatMap(([group, n]) =>
  Array.from({ length: n }, (_, i) => `IM-${group}-${String(i + 1).padStart(2, "0")}`),
);

describe("README and requirement coverage", () => {
  it("lists 80 IM requirement IDs", () => {
    expect(ids).toHaveLength(80);
  });

  it.each(ids)("%s is named in a test or in the README coverage table", (id) => {
    const coverage = readme.slice(readme.indexOf("## Requirement coverage"));
    expect(tests.includes(id) || coverage.includes(`| ${id}`) || coverage.includes(`, ${id} |`)).toBe(true);
  });

  it("documents every variable src/config.ts reads", () => {
    const config = readFileSync(join(root, "src/config.ts"), "utf8");
    const variables = [...new Set(config.match(/"CHAT_MAPPER_[A-Z0-9_]+"/g) ?? [])].map((v) => v.slice(1, -1));
    expect(variables.length).toBeGreaterThan(10);
    for (const v of variables) expect(readme).toContain(`| \`${v}\``);
  });
});

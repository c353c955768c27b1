import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalogue } from "../src/index.js";

describe("event catalogue", () => {
  // Table cells escape the pipe; compare unescaped.
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8").replaceAll("\\|", "|");

  it.each(catalogue.map((e) => [e.subject]))("documents %s in README.md", (subject) => {
    expect(readme).toContain(`\`${subject}\``);
  });

  it("gives every request-style entry a reply codec", () => {
    for (const e of catalogue) if (e.style === "request") expect(e.reply, e.subject).toBeDefined();
  });

  it("versions every subject", () => {
    for (const e of catalogue) expect(e.subject).toMatch(/^stox\.v\d+\./);
  });
});

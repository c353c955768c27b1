import { describe, expect, it } from "vitest";
import { newBranch, newTag } from "../src/random-tag.js";

describe("newTag (RFC 3261 §19.3)", () => {
  it("gives 64-bit hex tags, distinct across more than one pool refill", () => {
    const tags = Array.from({ length: 2000 }, () => newTag());
    for (const t of tags) expect(t).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(tags).size).toBe(tags.length);
  });

  it("gives RFC 3261 branches with 72 random bits, distinct across more than one pool refill (§8.1.1.7)", () => {
    const branches = Array.from({ length: 2000 }, () => newBranch());
    for (const b of branches) expect(b).toMatch(/^z9hG4bK[A-Za-z0-9_-]{12}$/);
    expect(new Set(branches).size).toBe(branches.length);
  });
});

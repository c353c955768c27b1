import { describe, expect, it } from "vitest";
import { newTag } from "../src/random-tag.js";

describe("newTag (RFC 3261 §19.3)", () => {
  it("gives 64-bit hex tags, distinct across more than one pool refill", () => {
    const tags = Array.from({ length: 2000 }, () => newTag());
    for (const t of tags) expect(t).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(tags).size).toBe(tags.length);
  });
});

import { describe, expect, it } from "vitest";
import { AddressMappingError, formatAddressUri, formatJid, jidToUri, uriToJid } from "../src/index.js";
import { MAPPING_EXAMPLES, type MappingExample } from "./fixtures/mapping-examples.js";

function run(example: MappingExample): string {
  if (example.direction === "SIP → XMPP") return formatJid(uriToJid(example.input, example.options));
  return formatAddressUri(jidToUri(example.input, example.options));
}

describe("RFC 7247 §6 mapping examples (README table)", () => {
  it.each(MAPPING_EXAMPLES.map((e) => [`${e.ids}: ${e.direction} ${e.input}`, e] as const))("%s", (_, example) => {
    if (typeof example.expected === "string") {
      expect(run(example)).toBe(example.expected);
    } else {
      let caught: unknown;
      try {
        run(example);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AddressMappingError);
      expect((caught as AddressMappingError).reason).toBe(example.expected.error);
      expect((caught as AddressMappingError).code).toBe("STOX_ADDRESS_UNMAPPABLE");
    }
  });
});

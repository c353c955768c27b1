import { describe, expect, it } from "vitest";
import { MsrpFramer, parseMsrpMessage, serializeMsrpMessage } from "../src/index.js";
import { RFC_SAMPLES } from "./fixtures/rfc4975.js";

describe("smoke", () => {
  it.each(RFC_SAMPLES.map((s, i) => [i, s]))("sample %i", (_i, s) => {
    const m = parseMsrpMessage(s);
    const out = Buffer.from(serializeMsrpMessage(m)).toString("utf8");
    expect(parseMsrpMessage(out)).toEqual(m);
    const f = new MsrpFramer();
    const frames = [...Buffer.from(RFC_SAMPLES.join(""))].flatMap((b) => f.push(Uint8Array.of(b)));
    expect(frames.map((x) => x.kind)).toEqual(RFC_SAMPLES.map(() => "message"));
  });
});

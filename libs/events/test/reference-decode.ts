// The decode every codec had before the fast paths (issue 8): TextDecoder, JSON.parse, the schema's own
// runtime safeParse. The fast-path tests hold the codecs to it, and the codec benchmark measures against it.
import type { z } from "zod";
import { EventDecodeError } from "../src/index.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

export function referenceDecode<T>(subject: string, schema: z.ZodType<T>, data: Uint8Array): T {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch (err) {
    throw new EventDecodeError(`${subject}: payload is not UTF-8 JSON`, subject, [], { cause: err });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new EventDecodeError(`${subject}: invalid event (${issues.join("; ")})`, subject, issues);
  }
  return result.data;
}

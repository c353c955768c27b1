import { randomUUID } from "node:crypto";
import { z } from "zod";

/** Bytes that are not a valid event of the expected kind. Never retryable: the same bytes fail again. */
export class EventDecodeError extends Error {
  override readonly name = "EventDecodeError";
  readonly code = "STOX_EVENT_DECODE";
  readonly isRetryable = false;
  constructor(
    message: string,
    readonly subject: string,
    /** Paths of the offending fields, e.g. ["to.uri"]. */
    readonly issues: readonly string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** An event kind: its subject, its runtime schema, and a typed encode/decode pair. */
export interface EventCodec<T> {
  readonly subject: string;
  readonly schema: z.ZodType<T>;
  encode(event: T): Uint8Array;
  /** Validates; throws EventDecodeError naming the bad fields. */
  decode(data: Uint8Array): T;
}

/**
 * A shortcut in front of the schema, for JSON.parse output only: the value `schema.safeParse(json)` would
 * return when the shortcut is certain of it, else undefined, and the schema decides (and words the errors).
 */
export type DecodeFastPath<T> = (json: unknown) => T | undefined;

/** How decode validates, beyond the schema's runtime parser (issue 8: validation was ~6% of the gateway's CPU). */
export interface CodecOptions<T> {
  /**
   * Validate with zod's generated parser (z.compile): valid events take it, anything else falls back to the
   * runtime parser, so what is accepted and the issues reported stay the schema's own. For hot kinds.
   */
  readonly compile?: boolean;
  /** Tried before the schema, for what z.compile cannot do (a recursive schema). */
  readonly fastPath?: DecodeFastPath<T>;
}

export function defineCodec<T>(subject: string, schema: z.ZodType<T>, options: CodecOptions<T> = {}): EventCodec<T> {
  const { fastPath } = options;
  let parser: z.ZodType<T> | undefined = options.compile === true ? undefined : schema;
  return {
    subject,
    schema,
    // Buffer.from takes small strings from Node's pooled slab: about 0.5 µs for a 600-byte event, where
    // TextEncoder.encode (a fresh ArrayBuffer each time) took 3 µs. A Buffer is a Uint8Array.
    encode: (event) => Buffer.from(JSON.stringify(event), "utf8"),
    decode(data) {
      let json: unknown;
      try {
        json = JSON.parse(decoder.decode(data));
      } catch (err) {
        throw new EventDecodeError(`${subject}: payload is not UTF-8 JSON`, subject, [], { cause: err });
      }
      const fast = fastPath?.(json);
      if (fast !== undefined) return fast;
      // Compiled on first use: generating the code takes a few ms (about a thousand decodes), once per schema.
      parser ??= compiled(schema);
      const result = parser.safeParse(json);
      if (!result.success) {
        const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
        throw new EventDecodeError(`${subject}: invalid event (${issues.join("; ")})`, subject, issues);
      }
      return result.data;
    },
  };
}

/** One compiled parser per schema: sipRequestReceived(method) makes a codec per method over one schema. */
const compiledSchemas = new WeakMap<z.ZodType, z.ZodType>();

function compiled<T>(schema: z.ZodType<T>): z.ZodType<T> {
  let parser = compiledSchemas.get(schema);
  if (parser === undefined) {
    parser = z.compile(schema);
    compiledSchemas.set(schema, parser);
  }
  return parser as z.ZodType<T>;
}

/** Event ids are UUIDs; they double as Nats-Msg-Id and correlate a chain of events in logs. */
export function newEventId(): string {
  return randomUUID();
}

/** RFC 3339 timestamp for the `at` field. */
export function nowIso(): string {
  // Several events are stamped per millisecond under load: format each millisecond once.
  const ms = Date.now();
  if (ms !== lastIsoMs) {
    lastIsoMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

let lastIsoMs = Number.NaN;
let lastIso = "";

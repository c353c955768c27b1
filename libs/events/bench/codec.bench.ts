// Event codec cost per hot kind: what one bus hop pays to encode and to decode a realistic event.
// Each chat message crosses the bus about four times (S2X: sip.in request + reply, xmpp.out command + reply;
// X2S: xmpp.in + reply, sip.out.request + reply), so these run several times per message (issue 8).
import type { BenchTable } from "../../../bench/table.ts";
import { hotEvents } from "../test/hot-events.js";
import { referenceDecode } from "../test/reference-decode.js";

/**
 * Nanoseconds per call of each function, measured in many short windows that take turns, keeping each
 * function's best window: the machine is shared, the best window is the least disturbed one, and taking
 * turns exposes every function to the same disturbances.
 */
function nsPerCall(ms: number, fns: readonly (() => void)[]): number[] {
  const best = fns.map(() => Number.POSITIVE_INFINITY);
  const windowNs = 5e6;
  for (let round = 0; round < ms / 5 / fns.length; round++) {
    fns.forEach((fn, f) => {
      let calls = 0;
      const start = process.hrtime.bigint();
      let elapsed = 0;
      while (elapsed < windowNs) {
        for (let i = 0; i < 20; i++) fn();
        calls += 20;
        elapsed = Number(process.hrtime.bigint() - start);
      }
      best[f] = Math.min(best[f] as number, elapsed / calls);
    });
  }
  return best;
}

function rows(ms: number): (string | number)[][] {
  return hotEvents.map(({ name, codec, event }) => {
    const bytes = codec.encode(event);
    const utf8 = new TextDecoder("utf-8", { fatal: true });
    let sink = 0;
    const [encodeNs = 0, decodeNs = 0, referenceNs = 0, parseNs = 0] = nsPerCall(ms, [
      () => {
        sink += codec.encode(event).length;
      },
      () => {
        sink += codec.decode(bytes) === undefined ? 1 : 0;
      },
      () => {
        sink += referenceDecode(codec.subject, codec.schema, bytes) === undefined ? 1 : 0;
      },
      () => {
        sink += JSON.parse(utf8.decode(bytes)) === undefined ? 1 : 0;
      },
    ]);
    if (sink < 0) throw new Error("unreachable");
    return [name, bytes.length, encodeNs, referenceNs, decodeNs, referenceNs / decodeNs, parseNs];
  });
}

export async function run(): Promise<BenchTable[]> {
  const ms = Number(process.env.EVENTS_BENCH_MS ?? "1500");
  return [
    {
      title: "events: encode/decode per hot event kind (ns per call)",
      columns: [
        "event",
        "bytes",
        "encode ns",
        "decode ns, plain zod",
        "decode ns",
        "decode speed-up",
        "UTF-8 + JSON.parse ns",
      ],
      rows: rows(ms),
      notes: [
        "decode = UTF-8 check + JSON.parse + validation. plain zod = the decode before issue 8 (the schema's " +
          "runtime safeParse, test/reference-decode.ts), measured in the same run. UTF-8 + JSON.parse = the part of " +
          "either that is not validation. Best of interleaved 5 ms windows.",
      ],
    },
  ];
}

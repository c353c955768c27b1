// SIP parsing throughput: stox against the npm SIP parsers, one run, same corpus, same Node.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { BenchTable } from "../../../bench/table.ts";
import { torture } from "../test/fixtures/rfc4475.js";
import { type Competitor, loadCompetitors, stoxFull } from "./competitors.js";
import { REALISTIC, RFC4475_VALID } from "./corpus.js";

const MEASURE_MS = 2000;
const WARMUP_MS = 500;
const SLICE_MS = 100;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

interface Sample {
  readonly text: string;
  readonly bytes: Buffer;
}

function corpus(): Sample[] {
  const out: Sample[] = REALISTIC.map((m) => ({ text: m.text, bytes: Buffer.from(m.text, "utf8") }));
  for (const name of RFC4475_VALID) {
    const bytes = torture(name);
    out.push({ text: bytes.toString("utf8"), bytes });
  }
  return out;
}

/**
 * Runs `run` for about `ms` of wall time and reports the process CPU time it used. CPU time, not
 * wall time, is the cost measure: the machine is shared, and time spent waiting for a core says
 * nothing about the parser.
 */
function timeLoop(run: () => void, ms: number): { rounds: number; elapsedMs: number } {
  let rounds = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - start < ms) {
    run();
    rounds++;
  }
  const used = process.cpuUsage(cpu);
  return { rounds, elapsedMs: (used.user + used.system) / 1000 };
}

interface Result {
  readonly name: string;
  readonly messagesPerSecond: number;
  readonly bytesPerSecond: number;
  readonly heapBytesPerMessage: number;
  readonly rejected: number;
}

interface Contender {
  readonly name: string;
  readonly parse: (s: Sample) => unknown;
}

function countRejected(c: Contender, samples: readonly Sample[]): number {
  let rejected = 0;
  for (const s of samples) {
    try {
      if (c.parse(s) === undefined) rejected++;
    } catch {
      rejected++;
    }
  }
  return rejected;
}

function roundOf(c: Contender, samples: readonly Sample[]): () => void {
  return () => {
    for (const s of samples) {
      try {
        c.parse(s);
      } catch {
        // rejections cost time too; they are counted separately
      }
    }
  };
}

/**
 * Bytes still reachable per parsed message while `copies` parsed copies of the corpus are held
 * (200, or fewer for parsers so slow that 200 would take more than about a quarter second).
 */
function heapPerMessage(c: Contender, samples: readonly Sample[], messagesPerSecond: number): number {
  const copies = Math.max(5, Math.min(200, Math.floor(messagesPerSecond / samples.length / 4)));
  const keep: unknown[] = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < copies; i++) {
    for (const s of samples) {
      try {
        keep.push(c.parse(s));
      } catch {
        keep.push(null);
      }
    }
  }
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  const count = keep.length;
  keep.length = 0;
  return Math.max(0, grown) / count;
}

/**
 * Times every contender in interleaved 100 ms slices (the machine is shared, so load spikes hit all
 * contenders alike instead of whichever happened to run at that moment).
 */
function measureAll(contenders: readonly Contender[], samples: readonly Sample[]): Result[] {
  const rounds = contenders.map(() => 0);
  const elapsed = contenders.map(() => 0);
  const loops = contenders.map((c) => roundOf(c, samples));
  for (const loop of loops) timeLoop(loop, WARMUP_MS);
  const slices = Math.ceil(MEASURE_MS / SLICE_MS);
  for (let k = 0; k < slices; k++) {
    contenders.forEach((_c, i) => {
      const r = timeLoop(loops[i] as () => void, SLICE_MS);
      rounds[i] = (rounds[i] ?? 0) + r.rounds;
      elapsed[i] = (elapsed[i] ?? 0) + r.elapsedMs;
    });
  }
  const bytesPerRound = samples.reduce((n, s) => n + s.bytes.length, 0);
  return contenders.map((c, i) => {
    const seconds = (elapsed[i] ?? 1) / 1000;
    const messagesPerSecond = ((rounds[i] ?? 0) * samples.length) / seconds;
    return {
      name: c.name,
      messagesPerSecond,
      bytesPerSecond: ((rounds[i] ?? 0) * bytesPerRound) / seconds,
      heapBytesPerMessage: heapPerMessage(c, samples, messagesPerSecond),
      rejected: countRejected(c, samples),
    };
  });
}

export async function run(): Promise<BenchTable[]> {
  const samples = corpus();
  const { loaded, failed } = await loadCompetitors();
  const contenders: Contender[] = [
    { name: "stox (string input)", parse: (s) => stoxFull(s.text) },
    { name: "stox (Buffer input)", parse: (s) => stoxFull(s.bytes) },
    ...(loaded as Competitor[]).map((c) => ({ name: c.name, parse: (s: Sample) => c.parse(s.text) })),
  ];
  const results = measureAll(contenders, samples);
  const others = results.filter((r) => !r.name.startsWith("stox"));
  const fastest = others.reduce((a, b) => (b.messagesPerSecond > a.messagesPerSecond ? b : a), others[0] as Result);
  const stox = results[0] as Result;
  const rows = results.map((r) => [
    r.name,
    r.messagesPerSecond,
    r.bytesPerSecond / 1e6,
    r.heapBytesPerMessage,
    `${r.rejected}/${samples.length}`,
    fastest === undefined ? "-" : `${(r.messagesPerSecond / fastest.messagesPerSecond).toFixed(2)}x`,
  ]);
  const notes = [
    `Corpus: ${samples.length} messages (${REALISTIC.map((m) => m.name).join(", ")}, and the ${RFC4475_VALID.length} RFC 4475 §3.1.1 valid messages), ${samples.reduce((n, s) => n + s.bytes.length, 0)} bytes per round; ${MEASURE_MS} ms per parser in interleaved ${SLICE_MS} ms slices after ${WARMUP_MS} ms warm-up; rates are per second of process CPU time (user+system), not wall time, because the machine is shared, node ${process.version}.`,
    fastest === undefined
      ? "No competitor could be measured."
      : `stox (string input) is ${(stox.messagesPerSecond / fastest.messagesPerSecond).toFixed(2)}x the fastest competitor (${fastest.name}); target >= 2x.`,
    "Inputs: every parser gets the same JS string (the RFC 4475 bytes decoded as UTF-8, which is lossy for mpart01's binary part); the 'Buffer input' row feeds stox the exact wire bytes.",
    "stox full parse: parseSipMessage() with validation, then the Route, Record-Route, Content-Type and Expires getters. Materialised for every message before the next one is parsed: the start line (method, Request-URI text, version / status, reason); every header line's lookup key and value string (names are sliced from the text on first read of `headers`, as always); Content-Length; the Request-URI as a SipUri/TelUri/AbsoluteUri object (user, password, host, port, every URI parameter and URI header); every Via (protocol, transport, host, port, every parameter as {name, value}, branch/received/rport extracted and checked); From and To (display name, URI as above, every header parameter); Call-ID checked; CSeq {seq, method}; Max-Forwards; every Contact, Route and Record-Route address (as From); Content-Type {type, subtype, params}; Expires. No parse result is cached across messages: each parse copies its header text into a scratch UTF-16 array (see src/mirror.ts) that the scanners read.",
    ...(loaded as Competitor[]).map((c) => `${c.name}: ${c.measured}.`),
    "rejected = corpus messages the parser refused (returned nothing or threw); their (usually cheaper) failed parses still count in the throughput.",
    "heap B/msg = growth of heapUsed (after forced GC) while holding up to 200 parsed copies of the corpus (fewer for the slowest parsers), divided by the message count.",
    ...failed.map((f) => `Not measured: ${f}`),
  ];
  return [
    {
      title: "SIP message parsing (full parse)",
      columns: ["parser", "messages/s", "MB/s", "heap B/msg", "rejected", "vs fastest npm"],
      rows,
      notes,
    },
  ];
}

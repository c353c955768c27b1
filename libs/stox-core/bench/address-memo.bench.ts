// Issue #8: what the address memo saves per message. "before" bypasses every memo (the ASCII fast paths stay on),
// "cold" uses a new address on every call (each one misses, is stored and later evicted), "warm" cycles
// through 2,000 recurring addresses, the gateway's steady state. All cells run in one process, one after another.
import type { BenchTable } from "../../../bench/table.ts";
import { withoutMemo } from "../src/bounded-memo.js";
import {
  admitSipRequest,
  admitStanza,
  createDomainPolicy,
  type Jid,
  jidToUri,
  mapUriToJid,
  parseJid,
} from "../src/index.js";

const BUDGET_MS = 300;
const RECURRING = 2_000;

function usPerOp(fn: (i: number) => unknown, keyOf: (i: number) => number): number {
  for (let i = 0; i < RECURRING; i++) fn(keyOf(i)); // warm-up; fills the memo with the recurring keys
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < BUDGET_MS) {
    for (let i = 0; i < 500; i++) fn(keyOf(RECURRING + ops + i));
    ops += 500;
    now = performance.now();
  }
  return ((now - start) * 1000) / ops;
}

// Both key sets have seven digits, so "cold" and "warm" map strings of the same length.
let distinct = 0;
const fresh = () => 2_000_000 + distinct++; // never repeats, across rows, runs and the recurring set
const recurring = (i: number) => 1_000_000 + (i % RECURRING);

// Already enforced (lowercase, NFC), as a JID value from parseJid would be. A recurring key gives the same
// object each time, as parseJid's memo does; a fresh key gives a new object.
const recurringJids = new Map<number, Jid>();
function jidValue(k: number): Jid {
  const make = () => Object.freeze({ local: `zoë${k}`, domain: "bücher.test", resource: "Küche 2" });
  if (k >= 2_000_000) return make();
  const known = recurringJids.get(k);
  if (known !== undefined) return known;
  const jid = make();
  recurringJids.set(k, jid);
  return jid;
}

export async function run(): Promise<BenchTable[]> {
  const policy = createDomainPolicy({ sipDomains: ["sip.test"], xmppDomains: ["xmpp.test", "bücher.test"] });
  const cases: readonly (readonly [string, (k: number) => unknown])[] = [
    [
      "admitSipRequest (trusted hop)",
      (k) =>
        admitSipRequest(policy, {
          hop: "trusted",
          requestUri: `sip:alice${k}@xmpp.test`,
          from: `sip:bob${k}@sip.test`,
        }),
    ],
    ["mapUriToJid sip:bob@sip.test", (k) => mapUriToJid(`sip:bob${k}@sip.test`)],
    ["mapUriToJid escapes + gr + IDN", (k) => mapUriToJid(`sip:o'neil${k}%40x@xn--bcher-kva.test;gr=K%C3%BCche%202`)],
    ["jidToUri alice@xmpp.test/pc (text)", (k) => jidToUri(`alice${k}@xmpp.test/pc`)],
    ["jidToUri zoë@bücher.test/Küche 2 (value)", (k) => jidToUri(jidValue(k))],
    ["parseJid Zoë@Bücher.test/Küche 2", (k) => parseJid(`Zoë${k}@Bücher.test/Küche 2`)],
    [
      "admitStanza (component link)",
      (k) => admitStanza(policy, { linkAuthenticated: true, from: `alice${k}@xmpp.test/pc`, to: `bob${k}@sip.test` }),
    ],
  ];
  const rows = cases.map(([name, fn]) => {
    const coldBefore = withoutMemo(() => usPerOp(fn, fresh));
    const warmBefore = withoutMemo(() => usPerOp(fn, recurring));
    const coldAfter = usPerOp(fn, fresh);
    const warmAfter = usPerOp(fn, recurring);
    return [name, coldBefore, coldAfter, warmBefore, warmAfter, warmBefore / warmAfter] as const;
  });
  return [
    {
      title: "@stox/stox-core: address memo (issue #8), µs per call",
      columns: ["operation", "cold before", "cold after", "warm before", "warm after", "warm speed-up"],
      rows,
      notes: [
        "before = every memo bypassed (the ASCII fast paths of PRECIS and percent-decoding stay on); after = memo on.",
        `cold = a new address on every call; warm = ${RECURRING.toLocaleString("en-US")} recurring addresses.`,
        `Each cell runs for about ${BUDGET_MS} ms after ${RECURRING.toLocaleString("en-US")} warm-up calls; single thread, noisy shared host.`,
      ],
    },
  ];
}

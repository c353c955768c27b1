// Throughput of the address mapping, PRECIS enforcement, error tables and admission checks.
// The gateway runs one mapping per direction per message, so these numbers bound the per-message cost.
import type { BenchTable } from "../../../bench/table.ts";
import {
  admitSipRequest,
  admitStanza,
  createDomainPolicy,
  enforceUsernameCaseMapped,
  formatAddressUri,
  jidToUri,
  parseJid,
  sipResponseToXmppError,
  uriToJid,
  xmppErrorToSip,
} from "../src/index.js";

const BUDGET_MS = 400;

function measure(fn: (i: number) => unknown): { opsPerSec: number; usPerOp: number } {
  for (let i = 0; i < 2_000; i++) fn(i); // warm-up
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < BUDGET_MS) {
    for (let i = 0; i < 500; i++) fn(ops + i);
    ops += 500;
    now = performance.now();
  }
  const seconds = (now - start) / 1000;
  return { opsPerSec: ops / seconds, usPerOp: (seconds * 1e6) / ops };
}

export async function run(): Promise<BenchTable[]> {
  const policy = createDomainPolicy({ sipDomains: ["sip.test"], xmppDomains: ["xmpp.test", "bücher.test"] });
  const jid = parseJid("zoë@bücher.test/Küche 2");
  const cases: readonly (readonly [string, (i: number) => unknown])[] = [
    ["uriToJid sip:bob@sip.test", () => uriToJid("sip:bob@sip.test")],
    ["uriToJid escapes + gr + IDN", () => uriToJid("sip:o'neil%40x@xn--bcher-kva.test;gr=K%C3%BCche%202")],
    ["jidToUri alice@xmpp.test (string)", () => formatAddressUri(jidToUri("alice@xmpp.test"))],
    ["jidToUri zoë@bücher.test/Küche 2 (value)", () => formatAddressUri(jidToUri(jid))],
    ["parseJid Zoë@Bücher.test/Küche 2", () => parseJid("Zoë@Bücher.test/Küche 2")],
    ["enforceUsernameCaseMapped (12 chars)", () => enforceUsernameCaseMapped("JürgenMüller")],
    ["xmppErrorToSip item-not-found", () => xmppErrorToSip({ condition: "item-not-found", targetIsFullJid: true })],
    ["sipResponseToXmppError 4xx..6xx", (i) => sipResponseToXmppError({ status: 400 + (i % 300) })],
    [
      "admitSipRequest (trusted hop)",
      () => admitSipRequest(policy, { hop: "trusted", requestUri: "sip:alice@xmpp.test", from: "sip:bob@sip.test" }),
    ],
    [
      "admitStanza (component link)",
      () => admitStanza(policy, { linkAuthenticated: true, from: "alice@xmpp.test/pc", to: "bob@sip.test" }),
    ],
  ];
  const rows = cases.map(([name, fn]) => {
    const { opsPerSec, usPerOp } = measure(fn);
    return [name, opsPerSec, usPerOp] as const;
  });
  return [
    {
      title: "@stox/stox-core: mapping and policy throughput (single thread)",
      columns: ["operation", "ops/s", "µs/op"],
      rows,
      notes: [`Each row runs for about ${BUDGET_MS} ms after a 2,000-call warm-up.`],
    },
  ];
}

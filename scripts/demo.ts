// pnpm demo: a guided tour for newcomers. Brings up NATS (or the embedded bus), Prosody and the gateway,
// then a scripted SIP party (bob) and an XMPP user (alice) exchange a message each way, and every event
// crossing the bus is printed with its trace id (edge -> event -> mapper -> edge).
// The gateway runs with STOX_SERVICES=auto: every registered service whose configuration is complete. A step
// whose services are not running is reported as "not available yet" and skipped; nothing is simulated.
//   pnpm demo               gateway as its own process on NATS
//   pnpm demo --embedded    everything in this process on the in-memory bus
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Bus, BusMessage } from "../libs/bus/src/index.js";
import { connectNatsBus } from "../libs/bus/src/index.js";
import { registry, startGateway } from "../services/gateway/src/index.js";
import {
  cleanup,
  freePort,
  makeTempDir,
  markFailed,
  registerCleanup,
  type SipTestUa,
  startNats,
  startProsody,
  startServiceProcess,
  startSipTestUa,
  type XmppTestClient,
  xml,
  xmppClient,
} from "../test/harness/src/index.js";

const isEmbedded = process.argv.includes("--embedded");
const XMPP_DOMAIN = "localhost";
const SIP_DOMAIN = "sip.localhost";
const SECRET = "stox-demo-secret";
const WAIT_MS = 10_000;

const say = (text = "") => console.log(text);
let stepNo = 0;
const step = (title: string) => say(`\n[${++stepNo}] ${title}`);
const detail = (text: string) => say(`    ${text}`);

/** Who publishes and who consumes each family of subjects (libs/events). */
const HOPS: readonly (readonly [string, string])[] = [
  ["stox.v1.sip.in.", "sip-edge -> mapper"],
  ["stox.v1.sip.out.", "mapper -> sip-edge"],
  ["stox.v1.xmpp.in.", "xmpp-edge -> mapper"],
  ["stox.v1.xmpp.out.", "mapper -> xmpp-edge"],
];

/** Prints each event on the bus as it passes, with the trace id from its W3C traceparent header. */
function tapBus(bus: Bus): () => void {
  const show = (msg: BusMessage) => {
    const traceId = msg.headers.traceparent?.split("-")[1];
    const hop = HOPS.find(([prefix]) => msg.subject.startsWith(prefix))?.[1] ?? "";
    detail(
      `  bus  ${msg.subject.padEnd(26)} ${hop.padEnd(24)}${traceId ? `trace ${traceId}` : "(no traceparent header)"}`,
    );
  };
  const sub = bus.subscribe("stox.>", show);
  return () => sub.unsubscribe();
}

function missing(running: readonly string[], needed: readonly string[]): string[] {
  return needed.filter((n) => !running.includes(n));
}

function notAvailable(what: string, absent: readonly string[]): void {
  detail(`NOT AVAILABLE YET: ${what} needs ${absent.join(", ")}, which the gateway does not run yet`);
  detail("(the gateway runs a service once it is registered and its configuration is complete)");
}

/** The PIDF basic status and note of a NOTIFY body, for printing (RFC 3863). */
function pidfSummary(body: string): string {
  const tuples = [...body.matchAll(/<(?:\w+:)?tuple\b[^>]*\bid="([^"]*)"[^>]*>([\s\S]*?)<\/(?:\w+:)?tuple>/g)];
  if (tuples.length === 0) return "(no PIDF body)";
  return tuples
    .map(([, id, inner]) => {
      const basic = /<(?:\w+:)?basic>([^<]*)</.exec(inner as string)?.[1] ?? "?";
      const show = /<(?:\w+:)?show\b[^>]*>([^<]*)</.exec(inner as string)?.[1];
      const note = /<(?:\w+:)?note[^>]*>([^<]*)</.exec(inner as string)?.[1];
      return `tuple ${id}: ${basic}${show ? ` (${show})` : ""}${note ? ` "${note}"` : ""}`;
    })
    .join("; ");
}

/** RFC 8048 S2X: bob SUBSCRIBEs to alice's presence; alice approves; her changes reach bob as NOTIFYs. */
async function showPresenceFlow(alice: XmppTestClient, bob: SipTestUa, sipPort: number): Promise<void> {
  const bobJid = `bob@${SIP_DOMAIN}`;
  const notifies: string[] = [];
  bob.onRequest((req) => {
    if (req.method === "NOTIFY") {
      const body = req.body.toString("utf8");
      notifies.push(body);
      if (process.env.DEMO_DEBUG) detail(body);
      detail(`  bob  NOTIFY (${req.header("subscription-state")}): ${pidfSummary(body)} -> 200 OK`);
    }
    return 200;
  });
  detail(`  bob  SUBSCRIBE sip:alice@${XMPP_DOMAIN} (Event: presence) -> sip-edge 127.0.0.1:${sipPort}`);
  const response = await bob.request({
    method: "SUBSCRIBE",
    uri: `sip:alice@${XMPP_DOMAIN}`,
    target: { host: "127.0.0.1", port: sipPort },
    from: `sip:bob@${SIP_DOMAIN}`,
    headers: [
      ["Event", "presence"],
      ["Accept", "application/pidf+xml"],
      ["Expires", "600"],
    ],
    timeoutMs: WAIT_MS,
  });
  detail(`  bob  got ${response.status} ${response.reason}`);
  await alice.waitForStanza((s) => s.is("presence") && s.attrs.type === "subscribe", WAIT_MS);
  detail(`  alice got a subscription request from ${bobJid}; she approves it`);
  await alice.send(xml("presence", { to: bobJid, type: "subscribed" }));
  const sawNotify = async (what: string, test: (body: string) => boolean) => {
    const deadline = Date.now() + WAIT_MS;
    while (!notifies.some(test)) {
      if (Date.now() > deadline) throw new Error(`no NOTIFY ${what} within ${WAIT_MS} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await sawNotify("with alice's presence", (b) => b.includes("open"));
  detail(`  alice <presence><show>away</show><status>in a meeting</status></presence>`);
  await alice.send(xml("presence", {}, xml("show", {}, "away"), xml("status", {}, "in a meeting")));
  await sawNotify("with the away status", (b) => b.includes("in a meeting"));
}

async function main(): Promise<number> {
  say("stox demo: SIP <-> XMPP through the gateway, step by step");
  say(`registered services: ${registry.map((s) => s.name).join(", ") || "(none yet)"}`);

  step(isEmbedded ? "Bus: embedded (in-memory, one process)" : "Bus: NATS with JetStream");
  // A private server: on a shared one, other processes' subscribers in the same queue groups would take
  // the demo's requests, and the tap would print their traffic.
  const nats = isEmbedded ? undefined : await startNats({ isPrivate: true });
  if (nats) detail(`started nats-server -js at ${nats.url} (pid ${nats.pid}, store in ${nats.dir})`);

  step("Prosody: the XMPP server alice uses");
  const prosody = await startProsody({
    domain: XMPP_DOMAIN,
    components: [{ name: SIP_DOMAIN, secret: SECRET }],
    users: [{ user: "alice", password: "alice-pw" }],
  });
  detail(`virtual host ${XMPP_DOMAIN}, c2s 127.0.0.1:${prosody.c2sPort}, pid ${prosody.pid()}`);
  detail(`component ${SIP_DOMAIN} (the gateway's XMPP side) on 127.0.0.1:${prosody.componentPort}`);

  step("SIP party: bob, a scripted SIP user agent");
  const bob = await startSipTestUa({ transport: "udp", user: "bob" });
  bob.onRequest((req) => {
    detail(`  bob  received ${req.method} from ${req.header("from")}: "${req.body.toString("utf8")}" -> 200 OK`);
    return 200;
  });
  detail(`listening at ${bob.uri}; the gateway sends SIP for ${SIP_DOMAIN} here (outbound proxy)`);

  step(isEmbedded ? "Gateway: in this process (STOX_SERVICES=auto)" : "Gateway: its own process (STOX_SERVICES=auto)");
  const secretFile = join(makeTempDir("demo"), "component-secret");
  writeFileSync(secretFile, SECRET);
  const sipPort = await freePort();
  const env = {
    SIP_EDGE_LISTEN_ADDRESS: "127.0.0.1",
    SIP_EDGE_TRANSPORTS: "udp",
    SIP_EDGE_UDP_PORT: String(sipPort),
    SIP_EDGE_OUTBOUND_PROXY: `sip:127.0.0.1:${bob.port}`,
    XMPP_EDGE_DOMAINS: SIP_DOMAIN,
    XMPP_EDGE_COMPONENT_PORT: String(prosody.componentPort),
    XMPP_EDGE_COMPONENT_SECRET_FILE: secretFile,
    CHAT_MAPPER_SIP_DOMAINS: SIP_DOMAIN,
    CHAT_MAPPER_XMPP_DOMAINS: XMPP_DOMAIN,
    PRESENCE_MAPPER_XMPP_DOMAINS: XMPP_DOMAIN,
    PRESENCE_MAPPER_NOTIFY_INTERVAL_MS: "200",
    // Services the demo does not exercise still start (STOX_SERVICES=auto): keep them on loopback, free ports.
    MSRP_EDGE_BIND_HOST: "127.0.0.1",
    MSRP_EDGE_TCP_PORT: String(await freePort()),
    STOX_HTTP_HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
  };
  let running: string[];
  let tapBusOf: Bus;
  if (isEmbedded) {
    const port = await freePort();
    const gateway = await startGateway({ ...env, STOX_BUS: "memory", STOX_HTTP_PORT: String(port) });
    registerCleanup("gateway (embedded)", () => gateway.host.stop());
    running = [...gateway.host.serviceNames];
    tapBusOf = gateway.host.bus;
    for (const s of gateway.skipped) detail(`skipped ${s.name}: ${s.reason}`);
    detail(`ready: http://127.0.0.1:${port}/readyz`);
  } else {
    const gateway = await startServiceProcess({ services: "auto", natsUrl: nats?.url, env });
    const readyz = (await (await fetch(`${gateway.httpUrl}/readyz`)).json()) as { checks: Record<string, boolean> };
    running = Object.keys(readyz.checks).filter((k) => k !== "bus");
    tapBusOf = await connectNatsBus({ url: nats?.url as string, name: "stox-demo-tap" });
    detail(`pid ${gateway.pid}, ready: ${gateway.httpUrl}/readyz, log in ${gateway.dir}/gateway.log`);
  }
  detail(`running services: ${running.join(", ") || "(none)"}`);
  const untap = tapBus(tapBusOf);

  step("XMPP user: alice logs in to Prosody");
  const alice = await xmppClient({
    service: prosody.service,
    domain: XMPP_DOMAIN,
    username: "alice",
    password: "alice-pw",
  });
  detail(`online as ${alice.jid}`);

  let failures = 0;
  const imServices = ["sip-edge", "chat-mapper", "xmpp-edge"];

  step(`SIP -> XMPP: bob sends a SIP MESSAGE to sip:alice@${XMPP_DOMAIN}`);
  const s2xAbsent = missing(running, imServices);
  if (s2xAbsent.length > 0) {
    notAvailable("SIP -> XMPP messaging", s2xAbsent);
  } else {
    try {
      const text = "Hi Alice, this is Bob on SIP";
      detail(`  bob  MESSAGE sip:alice@${XMPP_DOMAIN} -> sip-edge 127.0.0.1:${sipPort}: "${text}"`);
      const response = await bob.request({
        method: "MESSAGE",
        uri: `sip:alice@${XMPP_DOMAIN}`,
        target: { host: "127.0.0.1", port: sipPort },
        from: `sip:bob@${SIP_DOMAIN}`,
        body: text,
        timeoutMs: WAIT_MS,
      });
      detail(`  bob  got ${response.status} ${response.reason}`);
      const got = await alice.waitForMessage({ from: `bob@${SIP_DOMAIN}`, timeoutMs: WAIT_MS });
      detail(`  alice received from ${got.attrs.from}: "${got.getChildText("body")}"`);
    } catch (err) {
      failures++;
      detail(`FAILED: ${(err as Error).message}`);
    }
  }

  step(`XMPP -> SIP: alice sends a chat message to bob@${SIP_DOMAIN}`);
  const x2sAbsent = missing(running, imServices);
  if (x2sAbsent.length > 0) {
    notAvailable("XMPP -> SIP messaging", x2sAbsent);
  } else {
    try {
      const text = "Hello Bob, Alice here on XMPP";
      const id = await alice.sendMessage(`bob@${SIP_DOMAIN}`, text);
      detail(`  alice <message id="${id}" to="bob@${SIP_DOMAIN}">: "${text}"`);
      const req = await bob.waitForRequest((r) => r.method === "MESSAGE" && r.body.toString("utf8") === text, WAIT_MS);
      detail(`  bob  MESSAGE arrived (Call-ID ${req.callId})`);
    } catch (err) {
      failures++;
      detail(`FAILED: ${(err as Error).message}`);
    }
  }

  step(`Presence: bob (SIP) watches alice (XMPP), then alice goes away`);
  const presenceAbsent = missing(running, ["sip-edge", "presence-mapper", "xmpp-edge"]);
  if (presenceAbsent.length > 0) {
    notAvailable("presence", presenceAbsent);
  } else {
    try {
      await showPresenceFlow(alice, bob, sipPort);
    } catch (err) {
      failures++;
      detail(`FAILED: ${(err as Error).message}`);
    }
  }

  step("Teardown");
  untap();
  if (!isEmbedded) await tapBusOf.drain();
  if (failures > 0) markFailed();
  const report = await cleanup();
  detail(
    `stopped ${report.ran.length} things${report.keptDirs.length ? `; logs kept in ${report.keptDirs.join(", ")}` : ""}`,
  );
  say(failures > 0 ? `\n${failures} step(s) failed` : "\ndone");
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(`demo failed: ${(err as Error).stack ?? String(err)}`);
    markFailed();
    const report = await cleanup();
    if (report.keptDirs.length > 0) console.error(`logs kept in ${report.keptDirs.join(", ")}`);
    process.exit(1);
  },
);

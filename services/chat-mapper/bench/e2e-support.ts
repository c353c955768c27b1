// Shared parts of the end-to-end benchmarks: Prosody in two configurations, the gateway as its own process
// (embedded bus or NATS), CPU accounting from /proc, and latency percentiles.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  cleanup,
  freePort,
  isReady,
  makeTempDir,
  type NatsHandle,
  type ProsodyHandle,
  startNats,
  startProsody,
  waitUntil,
  type XmppTestClient,
  xmppClient,
} from "@stox/test-harness";
import { type MapperProcess, startMapperProcess } from "../test/mapper-process.js";

export const SECRET = "chat-mapper-bench";
export const RATES = (process.env.CHAT_BENCH_RATES ?? "1000,2000,4000,7000").split(",").map(Number);
/** Seconds per offered rate (issue 8 asks for 10). */
export const SECONDS = Number(process.env.CHAT_BENCH_SECONDS ?? "10");
/**
 * Warm-up before the first point: V8 needs a few thousand messages before the hot path is optimised; a
 * half-second warm-up left the first 1k/s point running interpreted code at twice the CPU per message.
 */
export const WARM_UP = { rate: 1000, seconds: Number(process.env.CHAT_BENCH_WARMUP_SECONDS ?? "4") };
/** Which bus modes and Prosody configurations to run (default: all four combinations). */
export const MODES = listFromEnv("CHAT_BENCH_MODES", ["embedded", "nats"] as const);
export const PROSODY_KINDS = listFromEnv("CHAT_BENCH_PROSODY", ["stock", "nagle off"] as const);
const CLOCK_TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** User + system CPU seconds of a process so far. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export type ProsodyKind = "stock" | "nagle off";
export type BusMode = "embedded" | "nats";

function listFromEnv<T extends string>(name: string, all: readonly T[]): readonly T[] {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return all;
  const picked = raw.split(",").map((s) => s.trim());
  const unknown = picked.filter((p) => !all.includes(p as T));
  if (unknown.length > 0) throw new Error(`${name}: unknown ${unknown.join(", ")} (choose from ${all.join(", ")})`);
  return picked as T[];
}

/** Prosody with quiet logging (the harness default logs every stanza), stock or with Nagle disabled. */
export async function startBenchProsody(kind: ProsodyKind, users: readonly string[]): Promise<ProsodyHandle> {
  const dir = await makeTempDir("chat-bench-prosody-");
  const settings = kind === "nagle off" ? "network_settings = { nagle = false }\n" : "";
  return startProsody({
    domain: "localhost",
    components: [{ name: "sip.localhost", secret: SECRET }],
    users: users.map((user) => ({ user, password: "pw" })),
    extraGlobal: `${settings}log = { warn = ${JSON.stringify(join(dir, "prosody.log"))} }`,
  });
}

export interface Gateway {
  readonly process: MapperProcess;
  readonly sipPort: number;
  readonly nats: NatsHandle | undefined;
  /** CPU seconds of the gateway process plus nats-server (NATS mode). */
  cpu(): number;
  stop(): Promise<void>;
}

/** Starts sip-edge + xmpp-edge + chat-mapper in one process and waits until /readyz says ready. */
export async function startGateway(mode: BusMode, prosody: ProsodyHandle, outboundProxyPort: number): Promise<Gateway> {
  const sipPort = await freePort();
  const dir = await makeTempDir("chat-bench-gw-");
  const secretFile = join(dir, "secret");
  writeFileSync(secretFile, SECRET);
  const nats = mode === "nats" ? await startNats({ isPrivate: true }) : undefined;
  const child = await startMapperProcess(
    {
      STOX_BUS: mode === "nats" ? "nats" : "memory",
      ...(nats ? { NATS_URL: nats.url } : {}),
      LOG_LEVEL: "error",
      SIP_EDGE_LISTEN_ADDRESS: "127.0.0.1",
      SIP_EDGE_TRANSPORTS: "udp",
      SIP_EDGE_UDP_PORT: String(sipPort),
      SIP_EDGE_OUTBOUND_PROXY: `sip:127.0.0.1:${outboundProxyPort}`,
      XMPP_EDGE_DOMAINS: "sip.localhost",
      XMPP_EDGE_COMPONENT_PORT: String(prosody.componentPort),
      XMPP_EDGE_COMPONENT_SECRET_FILE: secretFile,
      XMPP_EDGE_RATE_PER_SECOND: "0",
      CHAT_MAPPER_SIP_DOMAINS: "sip.localhost",
      CHAT_MAPPER_XMPP_DOMAINS: "localhost",
      ...(process.env.CHAT_GATEWAY_CPU_PROFILE
        ? { CHAT_GATEWAY_CPU_PROFILE: process.env.CHAT_GATEWAY_CPU_PROFILE }
        : {}),
    },
    resolve(import.meta.dirname, "run-gateway.ts"),
  );
  await waitUntil("gateway ready", () => isReady(`http://127.0.0.1:${child.httpPort}`), 20_000);
  return {
    process: child,
    sipPort,
    nats,
    cpu: () => cpuSeconds(child.child.pid) + cpuSeconds(nats?.pid),
    async stop() {
      // A gateway buried in backlog may not get to its drain timer: SIGKILL after a grace period.
      const killed = setTimeout(() => void child.kill("SIGKILL"), 8000);
      await child.kill("SIGTERM");
      clearTimeout(killed);
      await nats?.stop();
    },
  };
}

/** One offered-load point: what was sent, what arrived, how fast, and what it cost the gateway. */
export interface LoadResult {
  readonly offeredPerSecond: number;
  readonly sent: number;
  readonly delivered: number;
  readonly deliveredPerSecond: number;
  readonly lossPercent: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuMicrosPerMessage: number;
}

export interface LoadTarget {
  /** Sends message `seq` (its body carries the sequence number). */
  send(seq: number): void;
  /** Arrival times (performance.now()) by sequence number; NaN until it arrived. */
  readonly arrivals: Float64Array;
}

/** Calls `send(0..count-1)` at `rate` per second, in 2 ms steps (every bench here paces the same way). */
export async function pace(rate: number, count: number, send: (seq: number) => void): Promise<void> {
  const start = performance.now();
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; sent < due; sent++) send(sent);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Offers `rate` messages per second for `seconds`, in 2 ms steps, then waits up to 2 s for stragglers.
 * Latency is send -> arrival at the far peer; CPU is the gateway's (and nats-server's) own.
 */
export async function offerLoad(
  rate: number,
  seconds: number,
  target: (count: number) => LoadTarget,
  gatewayCpu: () => number,
): Promise<LoadResult> {
  const count = Math.round(rate * seconds);
  const { send, arrivals } = target(count);
  const sentAt = new Float64Array(count);
  const cpuBefore = gatewayCpu();
  const start = performance.now();
  await pace(rate, count, (seq) => {
    sentAt[seq] = performance.now();
    send(seq);
  });
  const arrivedCount = () => arrivals.reduce((n, t) => (Number.isNaN(t) ? n : n + 1), 0);
  const deadline = performance.now() + 2000;
  while (arrivedCount() < count && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const cpu = gatewayCpu() - cpuBefore;
  const latencies: number[] = [];
  let last = start;
  for (let i = 0; i < count; i++) {
    const t = arrivals[i] as number;
    if (Number.isNaN(t)) continue;
    latencies.push(t - (sentAt[i] as number));
    if (t > last) last = t;
  }
  latencies.sort((a, b) => a - b);
  const delivered = latencies.length;
  return {
    offeredPerSecond: rate,
    sent: count,
    delivered,
    deliveredPerSecond: delivered / ((last - start) / 1000),
    lossPercent: ((count - delivered) / count) * 100,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuMicrosPerMessage: delivered === 0 ? Number.NaN : (cpu * 1e6) / delivered,
  };
}

export const COLUMNS = [
  "mode",
  "prosody",
  "offered/s",
  "delivered/s",
  "loss %",
  "p50 ms",
  "p99 ms",
  "gateway CPU µs/msg",
] as const;

export function row(mode: string, prosody: string, r: LoadResult): (string | number)[] {
  return [
    mode,
    prosody,
    r.offeredPerSecond,
    r.deliveredPerSecond,
    Number(r.lossPercent.toFixed(2)),
    r.p50Ms,
    r.p99Ms,
    r.cpuMicrosPerMessage,
  ];
}

/** Waits for `promise`, but no longer than `ms`. */
export async function within(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise?.catch(() => undefined),
    new Promise((r) => {
      timer = setTimeout(r, ms);
    }),
  ]);
  clearTimeout(timer);
}

/** Waits for `promise`; rejects when it takes longer than `ms` (a stuck peer must not hang `pnpm bench`). */
export async function orTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new Error(`${what}: no result after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface MatrixPoint {
  readonly kind: ProsodyKind;
  readonly mode: BusMode;
  readonly gateway: Gateway;
  readonly client: XmppTestClient;
}

/**
 * Runs `measure` for every Prosody configuration x bus mode (as filtered by CHAT_BENCH_PROSODY and
 * CHAT_BENCH_MODES): one Prosody per configuration with the user "alice" logged in, one gateway per mode.
 * Every peer is stopped afterwards, also when a step fails or hangs.
 */
export async function runMatrix(options: {
  readonly outboundProxyPort: number;
  readonly onClient?: (client: XmppTestClient) => void;
  readonly measure: (point: MatrixPoint) => Promise<void>;
}): Promise<void> {
  try {
    for (const kind of PROSODY_KINDS) {
      const prosody = await orTimeout(startBenchProsody(kind, ["alice"]), 30_000, "prosody");
      let client: XmppTestClient | undefined;
      try {
        client = await orTimeout(
          xmppClient({ service: prosody.service, domain: "localhost", username: "alice", password: "pw" }),
          20_000,
          "xmpp client",
        );
        options.onClient?.(client);
        for (const mode of MODES) {
          const gateway = await orTimeout(startGateway(mode, prosody, options.outboundProxyPort), 40_000, "gateway");
          try {
            await options.measure({ kind, mode, gateway, client });
          } finally {
            await within(gateway.stop(), 15_000);
          }
        }
      } finally {
        await within(client?.stop(), 3000); // a client with a full send queue may never flush its goodbye
        await within(prosody.stop(), 10_000);
      }
    }
  } finally {
    await within(cleanup(), 20_000);
  }
}

/** A fresh load target: a random tag for the point's message bodies and an arrival slot per message. */
export function newPoint(count: number): { tag: string; arrivals: Float64Array } {
  return { tag: randomBytes(4).toString("hex"), arrivals: new Float64Array(count).fill(Number.NaN) };
}

// Starts an msrp-edge on 127.0.0.1 (random ports) with its bus handlers, and talks to it like a mapper.
import { randomBytes } from "node:crypto";
import type { Bus, Subscription } from "@stox/bus";
import {
  type MsrpCommandResult,
  type MsrpOutAction,
  type MsrpSessionOpen,
  msrpCommandResultCodec,
  msrpOutSubject,
  msrpSessionOpenCodec,
  msrpSessionOpenedCodec,
  newEventId,
  nowIso,
} from "@stox/events";
import type { TimerApi } from "@stox/msrp-lite";
import { createLogger, createMetrics } from "@stox/telemetry";
import { loadConfig, MsrpEdge, type MsrpEdgeConfig, startBusHandlers } from "../../src/index.js";

export interface EdgeUnderTest {
  readonly edge: MsrpEdge;
  readonly instanceId: string;
  readonly owner: string;
  readonly errors: Error[];
  open(request: Partial<Omit<MsrpSessionOpen, "v" | "id" | "at">>): Promise<Opened>;
  command(action: MsrpOutAction, payload: Record<string, unknown>, timeoutMs?: number): Promise<MsrpCommandResult>;
  stop(): Promise<void>;
}

export interface Opened {
  /** The instance that took the open (any edge on the bus may: queue group). */
  readonly edge: string;
  readonly session: string;
  readonly localPath: string[];
  readonly setup: string;
  readonly attributes: string[];
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export async function startEdge(
  bus: Bus,
  overrides: Partial<MsrpEdgeConfig> = {},
  options: { timers?: TimerApi; now?: () => number; newSessionId?: () => string } = {},
): Promise<EdgeUnderTest> {
  const instanceId = uniqueName("edge");
  const owner = uniqueName("mapper");
  const config: MsrpEdgeConfig = {
    ...loadConfig({ MSRP_EDGE_INSTANCE_ID: instanceId, MSRP_EDGE_TCP_PORT: "0", MSRP_EDGE_BIND_HOST: "127.0.0.1" }),
    ...overrides,
  };
  const errors: Error[] = [];
  const edge = await MsrpEdge.start({ config, bus, onError: (e) => errors.push(e), ...options });
  const subscriptions: Subscription[] = startBusHandlers(
    edge,
    createLogger({ service: "msrp-edge", level: "silent" }),
    createMetrics({ service: "msrp-edge" }),
  );
  const envelope = () => ({ v: 1 as const, id: newEventId(), at: nowIso() });
  return {
    edge,
    instanceId,
    owner,
    errors,
    async open(request) {
      // At this instance: other test files' edges share the NATS server and the session.open queue.
      const reply = await bus.request(
        msrpOutSubject(instanceId, "open"),
        msrpSessionOpenCodec.encode({ ...envelope(), owner, role: "answerer", ...request } as MsrpSessionOpen),
        { timeoutMs: 5000 },
      );
      const opened = msrpSessionOpenedCodec.decode(reply.data);
      if (!opened.ok) throw new Error(`open failed: ${opened.error.code} ${opened.error.message}`);
      return {
        edge: opened.edge,
        session: opened.session,
        localPath: opened.localPath,
        setup: opened.setup,
        attributes: opened.sdp.attributes,
      };
    },
    command: (action, payload, timeoutMs) => commandAt(bus, instanceId, action, payload, timeoutMs),
    async stop() {
      for (const s of subscriptions) s.unsubscribe();
      await edge.stop();
    },
  };
}

/** Sends a command to the edge instance `edge` and decodes its result. */
export async function commandAt(
  bus: Bus,
  edge: string,
  action: MsrpOutAction,
  payload: Record<string, unknown>,
  timeoutMs = 10_000,
): Promise<MsrpCommandResult> {
  const data = new TextEncoder().encode(JSON.stringify({ v: 1, id: newEventId(), at: nowIso(), ...payload }));
  const reply = await bus.request(msrpOutSubject(edge, action), data, { timeoutMs });
  return msrpCommandResultCodec.decode(reply.data);
}

/** Manual timers for the transaction and idle timers (TimerApi of @stox/msrp-lite). */
export class ManualTimers implements TimerApi {
  nowMs = 1_000_000;
  #next = 1;
  readonly #pending = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#pending.set(id, { at: this.nowMs + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  now = (): number => this.nowMs;

  /** Moves the clock forward, firing due timers in order (including ones they schedule). */
  advance(ms: number): void {
    const until = this.nowMs + ms;
    for (;;) {
      let due: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.#pending) if (entry[1].at <= until && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.#pending.delete(due[0]);
      this.nowMs = Math.max(this.nowMs, due[1].at);
      due[1].callback();
    }
    this.nowMs = until;
  }
}

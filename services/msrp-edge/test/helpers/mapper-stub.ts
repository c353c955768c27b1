// A stand-in for chat-mapper/groupchat-mapper: records what the edge publishes for one owner and answers it.
import type { Bus, BusMessage, Subscription } from "@stox/bus";
import {
  type MsrpInboundReply,
  type MsrpMessageReceived,
  type MsrpNicknameReceived,
  type MsrpReportReceived,
  type MsrpSessionClosed,
  msrpInboundReplyCodec,
  msrpInSubject,
  msrpMessageReceivedCodec,
  msrpNicknameReceivedCodec,
  msrpReportReceivedCodec,
  msrpSessionClosedCodec,
  newEventId,
  nowIso,
} from "@stox/events";

export type Verdict =
  | { ok: true }
  | { ok: false; code: "forbidden" | "not-acceptable" | "not-found"; status?: number }
  | "silent";

export interface MapperPolicy {
  send?: (event: MsrpMessageReceived) => Verdict | Promise<Verdict>;
  nickname?: (event: MsrpNicknameReceived) => Verdict;
}

export class MapperStub {
  readonly sends: MsrpMessageReceived[] = [];
  readonly reports: MsrpReportReceived[] = [];
  readonly nicknames: MsrpNicknameReceived[] = [];
  readonly closed: MsrpSessionClosed[] = [];
  policy: MapperPolicy = {};
  readonly #subs: Subscription[];
  readonly #bus: Bus;

  constructor(bus: Bus, owner: string) {
    this.#bus = bus;
    this.#subs = [
      bus.subscribe(msrpInSubject(owner, "send"), async (msg) => {
        const event = msrpMessageReceivedCodec.decode(msg.data);
        this.sends.push(event);
        this.#answer(msg, (await this.policy.send?.(event)) ?? { ok: true });
      }),
      bus.subscribe(msrpInSubject(owner, "report"), (msg) => {
        this.reports.push(msrpReportReceivedCodec.decode(msg.data));
        this.#answer(msg, { ok: true });
      }),
      bus.subscribe(msrpInSubject(owner, "nickname"), (msg) => {
        const event = msrpNicknameReceivedCodec.decode(msg.data);
        this.nicknames.push(event);
        this.#answer(msg, this.policy.nickname?.(event) ?? { ok: true });
      }),
      bus.subscribe(msrpInSubject(owner, "closed"), (msg) => {
        this.closed.push(msrpSessionClosedCodec.decode(msg.data));
      }),
    ];
  }

  #answer(msg: BusMessage, verdict: Verdict): void {
    if (verdict === "silent" || !msg.reply) return;
    const base = { v: 1 as const, id: newEventId(), at: nowIso() };
    const reply: MsrpInboundReply = verdict.ok
      ? { ...base, ok: true }
      : {
          ...base,
          ok: false,
          error: { code: verdict.code, message: "refused by the stub", isRetryable: false },
          ...(verdict.status !== undefined ? { status: verdict.status } : {}),
        };
    this.#bus.respond(msg, msrpInboundReplyCodec.encode(reply));
  }

  stop(): void {
    for (const s of this.#subs) s.unsubscribe();
  }
}

/** Polls until `check` returns a value (for bus deliveries, which arrive asynchronously). */
export async function eventually<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

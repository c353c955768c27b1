// A stand-in mapper on the bus: records every sip.in request and answers with what the test says.
import type { Bus, BusMessage, Subscription } from "@stox/bus";
import {
  newEventId,
  nowIso,
  SIP_IN_ALL,
  type SipRequestReceived,
  type SipResponseCommand,
  sipRequestReceivedCodec,
  sipResponseCommandCodec,
} from "@stox/events";

export type Answer = Omit<Extract<SipResponseCommand, { ok: true }>, "v" | "id" | "at" | "ok"> | undefined;

export interface MapperStub {
  readonly seen: SipRequestReceived[];
  /** Resolves with the first request of a method (lower case) seen from now on or already seen. */
  next(method: string): Promise<SipRequestReceived>;
  stop(): void;
}

export function startMapperStub(bus: Bus, answer: (ev: SipRequestReceived) => Answer): MapperStub {
  const seen: SipRequestReceived[] = [];
  const waiters: { method: string; done: (ev: SipRequestReceived) => void }[] = [];
  const sub: Subscription = bus.subscribe(
    SIP_IN_ALL,
    (msg: BusMessage) => {
      const ev = sipRequestReceivedCodec.decode(msg.data);
      seen.push(ev);
      for (const w of [...waiters]) {
        if (w.method === ev.method.toLowerCase()) {
          waiters.splice(waiters.indexOf(w), 1);
          w.done(ev);
        }
      }
      const a = answer(ev);
      if (a === undefined || msg.reply === undefined) return;
      bus.respond(msg, sipResponseCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true, ...a }));
    },
    { queue: "test-mapper" },
  );
  return {
    seen,
    next(method) {
      const found = seen.find((e) => e.method.toLowerCase() === method);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((done) => waiters.push({ method, done }));
    },
    stop: () => sub.unsubscribe(),
  };
}

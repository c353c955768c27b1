import { randomUUID } from "node:crypto";
import type { Bus, Subscription } from "@stox/bus";
import {
  sipInSubject,
  sipRequestReceived,
  sipResponseCommandCodec,
  xmppInSubject,
  xmppStanzaReceivedCodec,
  xmppStanzaReplyCodec,
} from "@stox/events";
import { GatewayFailure, serveRequests } from "@stox/service-kit";
import { generateTag } from "@stox/sip-parser";
import type { Logger, Metrics } from "@stox/telemetry";
import { type Clock, systemClock } from "./clock.js";
import type { PresenceMapperConfig } from "./config.js";
import type { MapperContext } from "./handlers/context.js";
import { runEffects } from "./handlers/effects-runner.js";
import { gruuFor } from "./handlers/gruu.js";
import { handleSipNotify } from "./handlers/sip-notify.js";
import { handleSipSubscribe } from "./handlers/sip-subscribe.js";
import { handleXmppPresence } from "./handlers/xmpp-presence.js";
import { onInboundTimer } from "./state/inbound-machine.js";
import { onOutboundTimer } from "./state/outbound-machine.js";
import type { IdSource } from "./state/types.js";
import { DueScheduler } from "./store/due-scheduler.js";
import { type SubscriptionRecord, SubscriptionStore } from "./store/subscription-store.js";

export const SERVICE_NAME = "presence-mapper";

export interface PresenceMapperOptions {
  readonly bus: Bus;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly config: PresenceMapperConfig;
  readonly clock?: Clock;
  readonly ids?: IdSource;
}

export interface PresenceMapper {
  isReady(): boolean;
  stop(): Promise<void>;
}

const randomIds: IdSource = {
  newCallId: () => randomUUID(),
  newTag: generateTag, // 64 bits from sip-parser's pooled random bytes (RFC 3261 §19.3)
};

/** Starts the handlers (queue group "presence-mapper") and the shared timer scheduler. */
export async function startPresenceMapper(o: PresenceMapperOptions): Promise<PresenceMapper> {
  const clock = o.clock ?? systemClock;
  const [records, dialogs, due] = await Promise.all([
    o.bus.kv(o.config.recordsBucket),
    o.bus.kv(o.config.dialogsBucket),
    o.bus.kv(o.config.dueBucket),
  ]);
  const store = new SubscriptionStore({ records, dialogs, due, config: o.config.machine });
  const running = new Set<Promise<void>>();
  const ctx: MapperContext = {
    bus: o.bus,
    logger: o.logger,
    metrics: o.metrics,
    store,
    clock,
    ids: o.ids ?? randomIds,
    machine: o.config.machine,
    sipRequestTimeoutMs: o.config.sipRequestTimeoutMs,
    xmppRequestTimeoutMs: o.config.xmppRequestTimeoutMs,
    xmppDomains: o.config.xmppDomains,
    sipDomains: o.config.sipDomains,
    background(task) {
      const p = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .catch((err: unknown) => o.logger.error({ err }, "presence effects failed"));
      running.add(p);
      void p.finally(() => running.delete(p));
    },
  };
  const scheduler = new DueScheduler({
    due,
    clock,
    owner: o.config.instanceId,
    leaseMs: o.config.leaseMs,
    onDue: async (key) => {
      const now = clock.now();
      const t = await store.mutate<SubscriptionRecord>(key, (r) => {
        if (!r) return { record: r, effects: [] };
        return r.kind === "inbound"
          ? onInboundTimer(r, now, ctx.machine)
          : onOutboundTimer(r, ctx.ids, now, ctx.machine);
      });
      await runEffects(ctx, key, t.effects, gruuFor);
    },
    onError: (err, key) => o.logger.warn({ err, key }, "presence timer failed; retried after the lease"),
  });
  await scheduler.start();
  const common = { bus: o.bus, queue: SERVICE_NAME, logger: o.logger, metrics: o.metrics };
  const subs: Subscription[] = [
    serveRequests({
      ...common,
      subject: sipInSubject("subscribe"),
      codec: sipRequestReceived("subscribe"),
      handle: async (req) => sipResponseCommandCodec.encode(await handleSipSubscribe(ctx, req)),
    }),
    serveRequests({
      ...common,
      subject: sipInSubject("notify"),
      codec: sipRequestReceived("notify"),
      handle: async (req) => sipResponseCommandCodec.encode(await handleSipNotify(ctx, req)),
    }),
    serveRequests({
      ...common,
      subject: sipInSubject("publish"),
      codec: sipRequestReceived("publish"),
      // RFC 8048 §4: the gateway is no presence server (no event state compositor, RFC 3903); SIP users
      // publish to their own PS, which the gateway subscribes to. Said plainly instead of "no responders".
      handle: async () => {
        throw new GatewayFailure("not-implemented", "PUBLISH is not accepted by the presence gateway");
      },
    }),
    serveRequests({
      ...common,
      subject: xmppInSubject("presence"),
      codec: xmppStanzaReceivedCodec,
      handle: async (ev) => xmppStanzaReplyCodec.encode(await handleXmppPresence(ctx, ev)),
    }),
  ];
  let isStopped = false;
  return {
    isReady: () => !isStopped && o.bus.isConnected(),
    async stop() {
      isStopped = true;
      for (const s of subs) s.unsubscribe();
      await scheduler.stop();
      await Promise.allSettled([...running]);
    },
  };
}

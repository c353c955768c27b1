import type { Bus, Subscription } from "@stox/bus";
import { sipInSubject, sipRequestReceived, xmppInSubject, xmppStanzaReceivedCodec } from "@stox/events";
import { serveRequests } from "@stox/service-kit";
import type { Logger, Metrics } from "@stox/telemetry";
import { createChatMetrics } from "./chat-metrics.js";
import { openChatStore } from "./chat-store.js";
import type { ChatMapperConfig } from "./config.js";
import { createRateLimiter } from "./rate-limiter.js";
import { createS2XHandler } from "./s2x-handler.js";
import { createTargetQueue } from "./target-queue.js";
import { createX2SHandler } from "./x2s-handler.js";

/** Queue group shared by every chat-mapper instance: each message goes to one of them. */
export const CHAT_MAPPER_QUEUE = "chat-mapper";

export interface ChatHandlers {
  stop(): void;
}

export interface StartHandlersOptions {
  readonly bus: Bus;
  readonly config: ChatMapperConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Subscribes both directions in the queue group "chat-mapper". */
export async function startHandlers(options: StartHandlersOptions): Promise<ChatHandlers> {
  const { bus, config, logger, metrics } = options;
  const store = await openChatStore(bus, {
    s2xTtlSeconds: config.s2xStateTtlSeconds,
    s2xStorage: config.s2xStateStorage,
    threadTtlSeconds: config.threadTtlSeconds,
  });
  const chatMetrics = createChatMetrics(metrics);
  const limiter = createRateLimiter(config.ratePerSender);
  const subscriptions: Subscription[] = [
    serveRequests({
      bus,
      subject: sipInSubject("message"),
      queue: CHAT_MAPPER_QUEUE,
      codec: sipRequestReceived("message"),
      logger,
      metrics,
      handle: createS2XHandler({ bus, config, store, limiter, logger, metrics: chatMetrics }),
    }),
    serveRequests({
      bus,
      subject: xmppInSubject("message"),
      queue: CHAT_MAPPER_QUEUE,
      codec: xmppStanzaReceivedCodec,
      logger,
      metrics,
      handle: createX2SHandler({
        bus,
        config,
        store,
        queue: createTargetQueue(config.queueLimitPerTarget),
        limiter,
        logger,
        metrics: chatMetrics,
      }),
    }),
  ];
  return {
    stop() {
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}

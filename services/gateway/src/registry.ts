import { chatMapperService } from "@stox/chat-mapper";
import { msrpEdgeService } from "@stox/msrp-edge";
import { presenceMapperService } from "@stox/presence-mapper";
import type { ServiceDefinition } from "@stox/service-kit";
import { sipEdgeService } from "@stox/sip-edge";
import { xmppEdgeService } from "@stox/xmpp-edge";

/**
 * Every service the gateway can run, in start order: mappers before edges, so that by the time an edge takes
 * traffic something answers on the bus. A new service adds one line here.
 */
export const registry: readonly ServiceDefinition[] = [
  presenceMapperService,
  chatMapperService,
  msrpEdgeService,
  xmppEdgeService,
  sipEdgeService,
];

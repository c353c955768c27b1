import { loadConfig as chatConfig } from "@stox/chat-mapper";
import { loadConfig as presenceConfig } from "@stox/presence-mapper";
import { loadConfig as sipEdgeConfig } from "@stox/sip-edge";
import { loadConfig as xmppEdgeConfig } from "@stox/xmpp-edge";
import { describe, expect, it } from "vitest";

// The sender is told the real outcome only if each hop waits longer than the hop behind it: an XMPP sender's
// stanza waits in xmpp-edge for a mapper, the mapper waits for the sip-edge, the sip-edge waits for Timer F.
describe("default timeouts along XMPP -> SIP", () => {
  // Any readable, non-empty file stands in for the component secret.
  const xmppEnv = { XMPP_EDGE_DOMAINS: "sip.example", XMPP_EDGE_COMPONENT_SECRET_FILE: import.meta.filename };

  it("nest: xmpp-edge > each mapper's wait for SIP > Timer F (64*T1, RFC 3261 §17.1.2.2)", () => {
    const timerF = 64 * sipEdgeConfig({}).timers.t1;
    const edgeWait = xmppEdgeConfig(xmppEnv).requestTimeoutMs;
    for (const mapperWait of [chatConfig({}).sipRequestTimeoutMs, presenceConfig({}).sipRequestTimeoutMs]) {
      expect(mapperWait).toBeGreaterThan(timerF);
      expect(edgeWait).toBeGreaterThan(mapperWait);
    }
  });
});

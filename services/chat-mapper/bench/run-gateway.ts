// The gateway's three IM services in one process (sip-edge, xmpp-edge, chat-mapper), for the end-to-end
// benchmark: embedded (STOX_BUS=memory) or over NATS (NATS_URL).
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { exitOnSignals, startHost } from "@stox/service-kit";
import { sipEdgeService } from "@stox/sip-edge";
import { xmppEdgeService } from "@stox/xmpp-edge";
import { chatMapperService } from "../src/index.js";

const host = await startHost({
  name: "gateway",
  env: process.env,
  services: [sipEdgeService, xmppEdgeService, chatMapperService],
});
process.stdout.write(`ready ${host.httpPort}\n`);
exitOnSignals(host.logger, host.stop, 5000);

// Diagnosis: CHAT_GATEWAY_CPU_PROFILE=<file> writes a V8 CPU profile of CHAT_GATEWAY_CPU_PROFILE_MS (default 8 s),
// starting CHAT_GATEWAY_CPU_PROFILE_DELAY_MS (default 0) after the gateway is ready (skip the warm-up).
const profileFile = process.env.CHAT_GATEWAY_CPU_PROFILE;
if (profileFile) {
  const session = new Session();
  session.connect();
  const start = () =>
    session.post("Profiler.start", () => {
      setTimeout(
        () => {
          session.post("Profiler.stop", (err, result) => {
            if (!err) writeFileSync(`${profileFile}.${process.pid}`, JSON.stringify(result.profile));
          });
        },
        Number(process.env.CHAT_GATEWAY_CPU_PROFILE_MS ?? "8000"),
      ).unref();
    });
  session.post("Profiler.enable", () =>
    setTimeout(start, Number(process.env.CHAT_GATEWAY_CPU_PROFILE_DELAY_MS ?? "0")).unref(),
  );
}

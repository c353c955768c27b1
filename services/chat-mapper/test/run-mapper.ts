// A chat-mapper process for the two-instance tests: the same host the gateway uses, on NATS_URL.
import { exitOnSignals, startHost } from "@stox/service-kit";
import { chatMapperService } from "../src/index.js";

const host = await startHost({ name: "chat-mapper", env: process.env, services: [chatMapperService] });
process.stdout.write(`ready ${host.httpPort}\n`);
exitOnSignals(host.logger, host.stop, 5000);

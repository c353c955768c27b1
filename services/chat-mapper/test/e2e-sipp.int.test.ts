// End to end with sipp as the SIP peer (issue 8): sipp <-> sip-edge <-> chat-mapper <-> xmpp-edge <-> Prosody
// <-> an @xmpp/client user, over a real NATS server; both directions, an error case each way, non-ASCII text.
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { sipEdgeService } from "@stox/sip-edge";
import {
  cleanup,
  freePort,
  makeTempDir,
  markFailed,
  type ProsodyHandle,
  runSipp,
  startNats,
  startProsody,
  startServicesInProcess,
  startSipp,
  type XmppTestClient,
  xmppClient,
} from "@stox/test-harness";
import { xmppEdgeService } from "@stox/xmpp-edge";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { chatMapperService } from "../src/index.js";

const SECRET = "chat-mapper-e2e";
const scenario = (name: string) => resolve(import.meta.dirname, "sipp", name);

describe("sipp <-> gateway <-> Prosody over NATS", () => {
  let prosody: ProsodyHandle;
  let alice: XmppTestClient;
  let sipPort: number;
  let uasPort: number;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    prosody = await startProsody({
      domain: "localhost",
      components: [{ name: "sip.localhost", secret: SECRET }],
      users: [{ user: "alice", password: "pw" }],
    });
    const dir = await makeTempDir("chat-mapper-sipp-");
    const secretFile = join(dir, "component-secret");
    writeFileSync(secretFile, SECRET);
    [sipPort, uasPort] = [await freePort(), await freePort()];
    const nats = await startNats({ isPrivate: true });
    const services = await startServicesInProcess({
      services: [sipEdgeService, xmppEdgeService, chatMapperService],
      bus: "nats",
      natsUrl: nats.url,
      env: {
        SIP_EDGE_LISTEN_ADDRESS: "127.0.0.1",
        SIP_EDGE_TRANSPORTS: "udp",
        SIP_EDGE_UDP_PORT: String(sipPort),
        SIP_EDGE_OUTBOUND_PROXY: `sip:127.0.0.1:${uasPort}`,
        XMPP_EDGE_DOMAINS: "sip.localhost",
        XMPP_EDGE_COMPONENT_PORT: String(prosody.componentPort),
        XMPP_EDGE_COMPONENT_SECRET_FILE: secretFile,
        CHAT_MAPPER_SIP_DOMAINS: "sip.localhost",
        CHAT_MAPPER_XMPP_DOMAINS: "localhost",
      },
    });
    stop = () => services.stop();
    alice = await xmppClient({ service: prosody.service, domain: "localhost", username: "alice", password: "pw" });
  }, 60_000);

  afterAll(async () => {
    await alice?.stop();
    await stop?.();
    await cleanup();
  }, 60_000);

  it("sipp MESSAGE -> alice: 200 for sipp, the UTF-8 body, subject and language at the client", async () => {
    onTestFailed(() => markFailed());
    const result = await runSipp({
      scenario: scenario("uac-message-to-xmpp-expect-200.xml"),
      target: `127.0.0.1:${sipPort}`,
    });
    expect(result.isSuccess).toBe(true);
    const message = await alice.waitForMessage({ from: "bob@sip.localhost" });
    expect(message.getChildText("body")?.trim()).toBe("Grüße von sipp ✓");
    expect(message.getChildText("subject")).toBe("sipp");
    expect(message.attrs["xml:lang"]).toBe("de");
  });

  it("S2X error: a body type XMPP cannot carry gets 415 at sipp and nothing reaches alice", async () => {
    onTestFailed(() => markFailed());
    const before = alice.received.length;
    const result = await runSipp({
      scenario: scenario("uac-message-json-expect-415.xml"),
      target: `127.0.0.1:${sipPort}`,
    });
    expect(result.isSuccess).toBe(true);
    expect(result.messages).toMatch(/Accept: text\/plain/);
    expect(alice.received.slice(before).some((s) => s.getChildText("body")?.includes("hello"))).toBe(false);
  });

  it("alice -> sipp UAS: the MESSAGE arrives with her text; a 200 produces no error stanza", async () => {
    onTestFailed(() => markFailed());
    const uas = await startSipp({ scenario: "uas-message-answer-200.xml", localPort: uasPort });
    const id = await alice.sendMessage("bob@sip.localhost", "Hallo sipp, schöne Grüße");
    const result = await uas.done;
    expect(result.isSuccess).toBe(true);
    expect(result.messages).toContain("Hallo sipp, schöne Grüße");
    expect(result.messages).toMatch(/From: <sip:alice@localhost;gr=/);
    await expect(alice.waitForStanza((s) => s.attrs.type === "error" && s.attrs.id === id, 1000)).rejects.toThrow();
  });

  it("X2S error: sipp answers 486, alice gets <recipient-unavailable/> (wait) for her message", async () => {
    onTestFailed(() => markFailed());
    const uas = await startSipp({ scenario: scenario("uas-message-answer-486.xml"), localPort: uasPort });
    const id = await alice.sendMessage("bob@sip.localhost", "busy?");
    expect((await uas.done).isSuccess).toBe(true);
    const error = await alice.waitForStanza((s) => s.attrs.type === "error" && s.attrs.id === id, 10_000);
    expect(error.getChild("error")?.attrs.type).toBe("wait");
    expect(error.getChild("error")?.getChild("recipient-unavailable")).toBeDefined();
  });
});

// End to end (issue 8): a SIP test UA <-> sip-edge <-> chat-mapper <-> xmpp-edge <-> Prosody <-> an
// @xmpp/client user, both directions, an error case each way and non-ASCII bodies, on the in-memory bus
// (embedded mode) and over a real NATS server.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sipEdgeService } from "@stox/sip-edge";
import {
  cleanup,
  freePort,
  makeTempDir,
  markFailed,
  type ProsodyHandle,
  type SipTestUa,
  startNats,
  startProsody,
  startServicesInProcess,
  startSipTestUa,
  type XmppTestClient,
  xml,
  xmppClient,
} from "@stox/test-harness";
import { xmppEdgeService } from "@stox/xmpp-edge";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { chatMapperService } from "../src/index.js";

const SECRET = "chat-mapper-e2e";
let prosody: ProsodyHandle;
let secretFile: string;

beforeAll(async () => {
  prosody = await startProsody({
    domain: "localhost",
    components: [{ name: "sip.localhost", secret: SECRET }],
    users: [{ user: "alice", password: "pw" }],
  });
  const dir = await makeTempDir("chat-mapper-e2e-");
  secretFile = join(dir, "component-secret");
  writeFileSync(secretFile, SECRET);
}, 60_000);

afterAll(() => cleanup(), 60_000);

describe.each(["memory", "nats"] as const)("SIP <-> XMPP instant messages end to end (%s bus)", (busKind) => {
  let ua: SipTestUa;
  let alice: XmppTestClient;
  let sipPort: number;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ua = await startSipTestUa({ transport: "udp", user: "bob" });
    sipPort = await freePort();
    const nats = busKind === "nats" ? await startNats({ isPrivate: true }) : undefined;
    const services = await startServicesInProcess({
      services: [sipEdgeService, xmppEdgeService, chatMapperService],
      bus: busKind,
      ...(nats ? { natsUrl: nats.url } : {}),
      env: {
        SIP_EDGE_LISTEN_ADDRESS: "127.0.0.1",
        SIP_EDGE_TRANSPORTS: "udp",
        SIP_EDGE_UDP_PORT: String(sipPort),
        SIP_EDGE_OUTBOUND_PROXY: `sip:127.0.0.1:${ua.port}`,
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
    await ua?.close();
  });

  const sipMessage = (uri: string, body: string) =>
    ua.request({
      method: "MESSAGE",
      uri,
      target: { host: "127.0.0.1", port: sipPort },
      from: "sip:bob@sip.localhost",
      body,
      headers: [["Subject", "Grüße"]],
    });

  it("SIP MESSAGE -> XMPP: non-ASCII body, subject and thread arrive; the UA gets 200", async () => {
    onTestFailed(() => markFailed());
    const body = `Grüß dich, Alice! 日本語 ✓ ${busKind}`;
    const response = await sipMessage("sip:alice@localhost", body);
    expect(response.status).toBe(200);
    const message = await alice.waitForMessage({ from: "bob@sip.localhost" });
    expect(message.getChildText("body")).toBe(body);
    expect(message.getChildText("subject")).toBe("Grüße");
    expect(message.getChildText("thread")).toBeTruthy();
    expect(message.attrs.type).toBeUndefined();
  });

  it("XMPP -> SIP MESSAGE: non-ASCII body and From with gr arrive; alice sees no error on 200", async () => {
    onTestFailed(() => markFailed());
    ua.onRequest(() => 200);
    const body = `Hallo Bob — ça va? ${busKind}`;
    await alice.sendMessage("bob@sip.localhost", body);
    const request = await ua.waitForRequest((r) => r.method === "MESSAGE" && r.body.toString("utf8") === body, 10_000);
    expect(request.header("content-type")).toBe("text/plain;charset=UTF-8");
    expect(request.header("from")).toContain("sip:alice@localhost;gr=");
    expect(request.header("contact")).toBeUndefined();
  });

  it("X2S error: the SIP UA answers 486, alice gets <recipient-unavailable/> for her message id", async () => {
    onTestFailed(() => markFailed());
    ua.onRequest(() => 486);
    const id = await alice.sendMessage("bob@sip.localhost", `busy? ${busKind}`);
    const error = await alice.waitForStanza(
      (s) => s.is("message") && s.attrs.type === "error" && s.attrs.id === id,
      10_000,
    );
    expect(error.attrs.from).toBe("bob@sip.localhost");
    const condition = error.getChild("error");
    expect(condition?.attrs.type).toBe("wait");
    expect(condition?.getChild("recipient-unavailable", "urn:ietf:params:xml:ns:xmpp-stanzas")).toBeDefined();
  });

  it("S2X error: Prosody bounces a message to a user that does not exist; the SIP sender gets an error report", async () => {
    onTestFailed(() => markFailed());
    ua.onRequest(() => 200);
    const response = await sipMessage("sip:nobody@localhost", `anyone? ${busKind}`);
    expect(response.status).toBe(200); // handed to the XMPP link: RFC 7572 §5 (IM-S2X-14)
    const report = await ua.waitForRequest(
      (r) => r.method === "MESSAGE" && r.header("from")?.includes("postmaster@localhost") === true,
      10_000,
    );
    expect(report.body.toString("utf8")).toContain("nobody@localhost");
  });

  it("receipts: an IMDN request from SIP reaches alice as a XEP-0184 request; her <received/> goes back as an IMDN", async () => {
    onTestFailed(() => markFailed());
    ua.onRequest(() => 200);
    const messageId = `imdn-${busKind}`;
    const cpim = [
      "From: <sip:bob@sip.localhost>",
      "To: <sip:alice@localhost>",
      "NS: imdn <urn:ietf:params:imdn>",
      `imdn.Message-ID: ${messageId}`,
      "DateTime: 2026-11-23T01:00:00Z",
      "imdn.Disposition-Notification: positive-delivery",
      "",
      "Content-Type: text/plain;charset=UTF-8",
      "",
      `please confirm ${busKind}`,
    ].join("\r\n");
    const response = await ua.request({
      method: "MESSAGE",
      uri: "sip:alice@localhost",
      target: { host: "127.0.0.1", port: sipPort },
      from: "sip:bob@sip.localhost",
      contentType: "message/cpim",
      body: cpim,
    });
    expect(response.status).toBe(200);
    const message = await alice.waitForMessage({ from: "bob@sip.localhost" });
    expect(message.getChildText("body")).toBe(`please confirm ${busKind}`);
    expect(message.getChild("request", "urn:xmpp:receipts")).toBeDefined();
    await alice.send(
      xml(
        "message",
        { to: "bob@sip.localhost" },
        xml("received", { xmlns: "urn:xmpp:receipts", id: message.attrs.id }),
      ),
    );
    const imdn = await ua.waitForRequest(
      (r) => r.body.toString("utf8").includes(`<message-id>${messageId}</message-id>`),
      10_000,
    );
    expect(imdn.header("content-type")).toBe("message/cpim");
    expect(imdn.body.toString("utf8")).toContain("<delivered/>");
  });

  it("chat state: XEP-0085 <composing/> from alice reaches the UA as an RFC 3994 isComposing MESSAGE", async () => {
    onTestFailed(() => markFailed());
    ua.onRequest(() => 200);
    await alice.send(
      xml(
        "message",
        { to: "bob@sip.localhost", type: "chat" },
        xml("composing", { xmlns: "http://jabber.org/protocol/chatstates" }),
      ),
    );
    const request = await ua.waitForRequest(
      (r) => r.header("content-type") === "application/im-iscomposing+xml",
      10_000,
    );
    expect(request.body.toString("utf8")).toContain("<state>active</state>");
  });
});

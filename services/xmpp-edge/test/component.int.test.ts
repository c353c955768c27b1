// Interop: the edge as a XEP-0114 component of a real Prosody 0.12, real @xmpp/client users, over real NATS
// (a private nats-server, so other suites' mappers on the shared server cannot answer our requests).
import { waitUntil, xml } from "@stox/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EdgeFixture, SECRET, startEdge } from "./support/edge-fixture.js";
import { commandOk, DOMAIN, errorCondition, GATEWAY, type Interop, startInterop } from "./support/interop-fixture.js";

const OTHER = "sip2.localhost";

let f: Interop<EdgeFixture>;

beforeAll(async () => {
  f = await startInterop({
    name: "xmpp-edge-int",
    prosody: {
      components: [
        { name: GATEWAY, secret: SECRET },
        { name: OTHER, secret: SECRET },
      ],
    },
    startEdge: async (bus, prosody) => {
      const fixture = await startEdge(bus, prosody.componentPort, {
        XMPP_EDGE_DOMAINS: `${GATEWAY},${OTHER}`,
        XMPP_EDGE_REQUEST_TIMEOUT_MS: "2000",
        XMPP_EDGE_MAX_STANZA_BYTES: "20000",
        XMPP_EDGE_MAX_DEPTH: "16",
      });
      await waitUntil("edge online at prosody", () => fixture.edge.isReady(), 15_000);
      return fixture;
    },
    resource: "balcony",
    queue: "test-mapper",
  });
});

afterAll(() => f?.stop());

describe("xmpp-edge as a Prosody component (XEP-0114)", () => {
  it("delivers a client's message to the bus as XmppStanzaReceived", async () => {
    await f.juliet.send(
      xml("message", { to: `romeo@${GATEWAY}`, type: "chat", id: "int-m1" }, xml("body", {}, "O Romeo, Romeo!")),
    );
    const event = await f.nextEvent((e) => e.stanza.attrs.id === "int-m1");
    expect(event.stream).toEqual({ mode: "component" });
    expect(event.stanza.attrs).toMatchObject({
      from: `juliet@${DOMAIN}/balcony`,
      to: `romeo@${GATEWAY}`,
      type: "chat",
    });
    expect(event.stanza.children).toContainEqual({ name: "body", attrs: {}, children: ["O Romeo, Romeo!"] });
  });

  it("delivers a client's directed presence to the bus", async () => {
    await f.juliet.send(xml("presence", { to: `romeo@${GATEWAY}`, id: "int-p1" }, xml("show", {}, "away")));
    const event = await f.nextEvent((e) => e.stanza.name === "presence" && e.stanza.attrs.id === "int-p1");
    expect(event.stanza.attrs.from).toBe(`juliet@${DOMAIN}/balcony`);
  });

  it("writes a bus command to the client", async () => {
    const stanza = {
      name: "message",
      attrs: { from: `romeo@${GATEWAY}`, to: f.juliet.jid, type: "chat" },
      children: [{ name: "body", attrs: {}, children: ["It is the east"] }],
    };
    await commandOk(f.bus, stanza, 5000);
    const got = await f.juliet.waitForMessage({ from: `romeo@${GATEWAY}` });
    expect(got.getChildText("body")).toBe("It is the east");
  });

  it("answers disco#info for the gateway domain (XEP-0030)", async () => {
    await f.juliet.send(
      xml(
        "iq",
        { to: GATEWAY, type: "get", id: "int-d1" },
        xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }),
      ),
    );
    const answer = await f.juliet.waitForStanza((s) => s.attrs.id === "int-d1");
    expect(answer.attrs.type).toBe("result");
    expect(answer.getChild("query")?.getChild("identity")?.attrs).toMatchObject({ category: "gateway", type: "sip" });
  });

  it("returns errors for iqs nobody handles: service-unavailable (RFC 6120 §8.4), feature-not-implemented (§8.3.3.7)", async () => {
    await f.juliet.send(
      xml("iq", { to: `romeo@${GATEWAY}`, type: "get", id: "int-u1" }, xml("vCard", { xmlns: "vcard-temp" })),
    );
    const user = await f.juliet.waitForStanza((s) => s.attrs.id === "int-u1");
    expect(user.attrs.type).toBe("error");
    expect(errorCondition(user)).toBe("service-unavailable");
    await f.juliet.send(xml("iq", { to: GATEWAY, type: "set", id: "int-u2" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
    const domain = await f.juliet.waitForStanza((s) => s.attrs.id === "int-u2");
    expect(errorCondition(domain)).toBe("feature-not-implemented");
  });

  it("closes the stream that carried an oversize or too deep stanza, reconnects it, and leaves the other domain's stream up", async () => {
    const gatewayConnection = f.edge.edge.components?.connection(GATEWAY);
    const otherConnection = f.edge.edge.components?.connection(OTHER);
    const policyViolations = async () =>
      Number(/reason="stream-policy-violation"\} (\d+)/.exec(await rejected())?.[1] ?? 0);
    expect(await policyViolations()).toBe(0);
    await f.juliet.send(xml("message", { to: `romeo@${GATEWAY}`, id: "int-big" }, xml("body", {}, "x".repeat(30_000))));
    await waitUntil("oversize stanza refused", async () => (await policyViolations()) === 1, 5000);
    expect(otherConnection?.isOnline).toBe(true);
    await waitUntil("component stream back", () => gatewayConnection?.isOnline === true, 10_000);

    let deep = xml("leaf");
    for (let i = 0; i < 20; i++) deep = xml("n", { xmlns: "urn:example:deep" }, deep);
    await f.juliet.send(xml("message", { to: `romeo@${GATEWAY}`, id: "int-deep" }, deep));
    await waitUntil("deep stanza refused", async () => (await policyViolations()) === 2, 5000);
    await waitUntil("component stream back", () => gatewayConnection?.isOnline === true, 10_000);
    expect(otherConnection?.isOnline).toBe(true);
    expect(f.events.some((e) => e.stanza.attrs.id === "int-big" || e.stanza.attrs.id === "int-deep")).toBe(false);

    // Both streams still carry traffic.
    for (const domain of [GATEWAY, OTHER]) {
      const id = `int-after-${domain}`;
      await f.juliet.send(xml("message", { to: `romeo@${domain}`, id }, xml("body", {}, "still there?")));
      await f.nextEvent((e) => e.stanza.attrs.id === id);
    }
  });

  it("reconnects after Prosody restarts and carries traffic again", async () => {
    await f.prosody.restart();
    await waitUntil("edge back online", () => f.edge.edge.isReady(), 20_000);
    await f.reconnectJuliet();
    await f.juliet.send(xml("message", { to: `romeo@${GATEWAY}`, id: "int-restart" }, xml("body", {}, "again")));
    await f.nextEvent((e) => e.stanza.attrs.id === "int-restart");
  });
});

async function rejected(): Promise<string> {
  return (await f.edge.metrics.render())
    .split("\n")
    .filter((l) => l.startsWith("stox_xmpp_edge_stanzas_rejected"))
    .join("\n");
}

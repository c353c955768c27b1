import { afterEach, describe, expect, it } from "vitest";
import { backoffDelayMs } from "../src/backoff.js";
import { ComponentConnection } from "../src/component/component-connection.js";
import { componentHandshake, isValidHandshake } from "../src/component/handshake.js";
import { el } from "../src/xml/xml-element.js";
import { FakeComponentServer } from "./support/fake-component-server.js";

const SECRET = "secret";
let server: FakeComponentServer | undefined;
let connection: ComponentConnection | undefined;

afterEach(async () => {
  await connection?.stop();
  await server?.close();
  connection = undefined;
  server = undefined;
});

function connect(port: number, secret = SECRET, keepAliveMs = 0) {
  const events = { online: 0, offline: [] as (Error | undefined)[], stanzas: [] as unknown[] };
  connection = new ComponentConnection(
    {
      host: "127.0.0.1",
      port,
      domain: "sip.example.com",
      secret,
      limits: { maxStanzaBytes: 10_000, maxDepth: 8 },
      keepAliveMs,
      backoff: { initialMs: 10, maxMs: 50 },
      handshakeTimeoutMs: 5000,
    },
    {
      onOnline: () => events.online++,
      onOffline: (_d, error) => events.offline.push(error),
      onStanza: (stanza) => events.stanzas.push(stanza),
    },
  );
  connection.start();
  return events;
}

describe("XEP-0114 handshake", () => {
  it("is the lowercase hex SHA-1 of stream id + secret (XEP-0114 §3)", () => {
    // sha1("3BF96D32" + "sesame"), computed independently with sha1sum
    expect(componentHandshake("3BF96D32", "sesame")).toBe("7a98dc4c9e92493d7fd66a25364c862637789c45");
    expect(isValidHandshake("id1", "pw", componentHandshake("id1", "pw"))).toBe(true);
    expect(isValidHandshake("id1", "pw", componentHandshake("id2", "pw"))).toBe(false);
  });
});

describe("backoffDelayMs", () => {
  it("grows exponentially, stays within [ceiling/2, ceiling] and is capped", () => {
    const opts = { initialMs: 100, maxMs: 1000 };
    expect(backoffDelayMs(0, opts, () => 0)).toBe(50);
    expect(backoffDelayMs(0, opts, () => 1)).toBe(100);
    expect(backoffDelayMs(3, opts, () => 1)).toBe(800);
    expect(backoffDelayMs(10, opts, () => 1)).toBe(1000);
    expect(backoffDelayMs(100, opts, () => 0)).toBe(500);
  });
});

describe("ComponentConnection", () => {
  it("opens the accept stream to its domain, authenticates and passes stanzas through", async () => {
    server = await FakeComponentServer.start(SECRET);
    const events = connect(server.port);
    await server.until(() => events.online === 1, "online");
    expect(server.current?.raw).toContain("xmlns='jabber:component:accept'");
    expect(server.current?.raw).toContain("to='sip.example.com'");
    server.current?.write("<message from='a@example.com' to='b@sip.example.com'><body>hi</body></message>");
    await server.until(() => events.stanzas.length === 1, "stanza");
    expect(events.stanzas[0]).toEqual(
      el("message", { from: "a@example.com", to: "b@sip.example.com" }, el("body", {}, "hi")),
    );
    expect(connection?.send(el("presence", { from: "b@sip.example.com", to: "a@example.com" }))).toBe(true);
    await server.until(() => server?.current?.received.length === 1, "presence at server");
  });

  it("reconnects with backoff when the server drops the stream", async () => {
    server = await FakeComponentServer.start(SECRET);
    const events = connect(server.port);
    await server.until(() => events.online === 1, "first online");
    server.current?.socket.destroy();
    await server.until(() => events.online === 2, "second online");
    expect(server.sessions).toHaveLength(2);
    expect(events.offline).toHaveLength(1);
  });

  it("keeps retrying while the handshake is refused, and never reports online", async () => {
    server = await FakeComponentServer.start(SECRET);
    const events = connect(server.port, "wrong");
    await server.until(() => server && server.sessions.length >= 3, "three attempts");
    expect(events.online).toBe(0);
    expect(connection?.send(el("message", { to: "x@y" }))).toBe(false);
  });

  it("sends whitespace keep-alives when idle (RFC 6120 §4.6.1)", async () => {
    server = await FakeComponentServer.start(SECRET);
    const events = connect(server.port, SECRET, 30);
    await server.until(() => events.online === 1, "online");
    const before = server.current?.raw.length ?? 0;
    await server.until(() => server?.current?.raw.slice(before).includes(" "), "keep-alive");
  });

  it("closes a stream that sends an oversize stanza with policy-violation, then comes back (CORE-SEC-11)", async () => {
    server = await FakeComponentServer.start(SECRET);
    const events = connect(server.port);
    await server.until(() => events.online === 1, "online");
    const first = server.current;
    first?.write(`<message from='a@example.com' to='b@sip.example.com'><body>${"x".repeat(20_000)}</body></message>`);
    await server.until(() => first?.raw.includes("policy-violation"), "stream error");
    expect(first?.raw).toContain("</stream:stream>");
    await server.until(() => events.online === 2, "reconnected");
    expect(events.stanzas).toHaveLength(0);
  });

  it("refuses a billion-laughs document with restricted-xml before expanding anything, then comes back", async () => {
    server = await FakeComponentServer.start(SECRET);
    const events = connect(server.port);
    await server.until(() => events.online === 1, "online");
    const first = server.current;
    const lol = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join("");
    first?.write(
      `<!DOCTYPE lolz [<!ENTITY lol0 "lol">${lol}]><message to='b@sip.example.com'><body>&lol9;</body></message>`,
    );
    await server.until(() => first?.raw.includes("restricted-xml"), "stream error");
    expect(first?.raw).toContain("</stream:stream>");
    await server.until(() => events.online === 2, "reconnected");
    expect(events.stanzas).toHaveLength(0);
  });

  it("stops reconnecting after stop() and closes the stream politely", async () => {
    server = await FakeComponentServer.start(SECRET);
    const events = connect(server.port);
    await server.until(() => events.online === 1, "online");
    await connection?.stop();
    await server.until(() => server?.current?.raw.includes("</stream:stream>"), "close tag");
    expect(server.sessions).toHaveLength(1);
  });
});

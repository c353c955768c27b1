import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";
import {
  newEventId,
  nowIso,
  type XmlElement,
  type XmppStanzaReceived,
  xmppOutSubject,
  xmppSendResultCodec,
  xmppStanzaCommandCodec,
  xmppStanzaReceivedCodec,
  xmppStanzaReplyCodec,
} from "@stox/events";
import { cleanup, makeTestCa, makeTestCertificates, type TestCa } from "@stox/test-harness";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dialbackKey } from "../src/s2s/dialback-key.js";
import type { S2sTarget } from "../src/s2s/s2s-resolver.js";
import { createSrvResolver } from "../src/s2s/s2s-resolver.js";
import { el } from "../src/xml/xml-element.js";
import { RawStream } from "./support/raw-stream.js";
import { type S2sFixture, startS2sEdge } from "./support/s2s-fixture.js";

const silentSockets = new Set<Socket>();
/** A TCP peer that accepts and never says a word. */
function silentServer() {
  return createNetServer((socket) => {
    silentSockets.add(socket);
    socket.on("error", () => {});
  });
}

const A = "sip.a.test";
const B = "xmpp.b.test";
let pki: TestCa;
let running: S2sFixture[] = [];
let raws: RawStream[] = [];

beforeAll(() => {
  pki = makeTestCa();
});
afterAll(() => cleanup());
afterEach(async () => {
  for (const r of raws) r.close();
  await Promise.all(running.map((f) => f.stop()));
  running = [];
  raws = [];
});

async function pair(options: { tls?: "trusted" | "untrusted" | "none" } = {}) {
  const routes = new Map<string, S2sTarget>();
  const tls = options.tls ?? "none";
  const other = tls === "untrusted" ? makeTestCa("another CA") : undefined;
  const a = await startS2sEdge({
    domain: A,
    routes,
    ...(tls !== "none"
      ? { cert: makeTestCertificates({ commonName: A, ca: other ?? pki }), caFile: pki.certFile, requireTls: true }
      : {}),
  });
  const b = await startS2sEdge({
    domain: B,
    routes,
    ...(tls !== "none"
      ? { cert: makeTestCertificates({ commonName: B, ca: pki }), caFile: pki.certFile, requireTls: true }
      : {}),
  });
  running.push(a, b);
  return { a, b, routes };
}

function recordInbound(f: S2sFixture, kind = "message"): XmppStanzaReceived[] {
  const seen: XmppStanzaReceived[] = [];
  f.bus.subscribe(`stox.v1.xmpp.in.${kind}`, (msg) => {
    seen.push(xmppStanzaReceivedCodec.decode(msg.data));
    f.bus.respond(msg, xmppStanzaReplyCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true }));
  });
  return seen;
}

async function command(f: S2sFixture, stanza: XmlElement) {
  const reply = await f.bus.request(
    xmppOutSubject(stanza.name as "message"),
    xmppStanzaCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), stanza }),
    { timeoutMs: 8000 },
  );
  return xmppSendResultCodec.decode(reply.data);
}

async function until<T>(predicate: () => T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = predicate();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const message = (id: string) =>
  el("message", { from: `romeo@${A}`, to: `juliet@${B}`, id, type: "chat" }, el("body", {}, "hello across"));

describe("s2s mode (RFC 6120)", () => {
  it("computes XEP-0185 dialback keys from secret, receiving and originating domain and stream id", () => {
    // Inputs of the XEP-0185 examples; expected value computed independently:
    // openssl dgst -sha256 -hmac "$(echo -n s3cr3tf0rd14lb4ck | sha256sum | cut -d' ' -f1)"
    expect(dialbackKey("s3cr3tf0rd14lb4ck", "example.com", "example.net", "D60000229F")).toBe(
      "1efc6a45c549f8ccc90ec8a181f433b6579ba35ea2f4c5a6b2d999fa76c9dc63",
    );
  });

  it("delivers a stanza over STARTTLS + SASL EXTERNAL when both certificates verify (RFC 6120 §5, §6, CORE-SEC-01, CORE-SEC-10)", async () => {
    const { a, b } = await pair({ tls: "trusted" });
    const seen = recordInbound(b);
    expect(await command(a, message("t1"))).toMatchObject({ ok: true });
    const event = await until(() => seen[0], "event at B");
    expect(event.stream).toEqual({ mode: "s2s", peer: A });
    expect(event.stanza.attrs).toMatchObject({ from: `romeo@${A}`, to: `juliet@${B}`, id: "t1" });
    const session = b.edge.s2s?.node.inboundSessions[0];
    expect(session?.isSecure).toBe(true);
    expect(session?.authMethod).toBe("sasl-external");
  });

  it("falls back to dialback over TLS when the peer's certificate cannot be verified (XEP-0220)", async () => {
    const { a, b } = await pair({ tls: "untrusted" });
    const seen = recordInbound(b);
    expect(await command(a, message("t2"))).toMatchObject({ ok: true });
    await until(() => seen[0], "event at B");
    const session = b.edge.s2s?.node.inboundSessions[0];
    expect(session?.isSecure).toBe(true);
    expect(session?.authMethod).toBe("dialback");
  });

  it("uses dialback without TLS when neither side has certificates and TLS is not required", async () => {
    const { a, b } = await pair();
    const seen = recordInbound(b);
    expect(await command(a, message("t3"))).toMatchObject({ ok: true });
    await until(() => seen[0], "event at B");
    expect(b.edge.s2s?.node.inboundSessions[0]?.authMethod).toBe("dialback");
  });

  it("sends the stanza error for an unhandled stanza back over its own outbound stream", async () => {
    const { a, b } = await pair();
    const errors = recordInbound(a);
    expect(await command(a, message("t4"))).toMatchObject({ ok: true });
    const error = await until(() => errors[0], "error back at A");
    expect(error.stanza.attrs).toMatchObject({ type: "error", id: "t4", from: `juliet@${B}`, to: `romeo@${A}` });
    expect(b.edge.s2s?.node.inboundSessions.length).toBeGreaterThan(0);
  });

  it("refuses a dialback key it did not issue: not-authorized (XEP-0220 §2.4)", async () => {
    const { b } = await pair();
    const raw = await RawStream.open(b.port);
    raws.push(raw);
    raw.write(
      `<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' from='${A}' to='${B}' version='1.0'>`,
    );
    await raw.until(() => raw.header, "header");
    raw.write(`<db:result from='${A}' to='${B}'>0000deadbeef</db:result>`);
    await raw.until(() => raw.text.includes("not-authorized"), "stream error");
    expect(raw.text).toMatch(/type=["']invalid["']/);
  });

  it("closes a stream whose stanza claims a domain the peer did not authenticate: invalid-from (RFC 6120 §8.1.2.2, CORE-SEC-05)", async () => {
    const { a, b } = await pair();
    const seen = recordInbound(b);
    const raw = await RawStream.open(b.port);
    raws.push(raw);
    raw.write(
      `<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' from='${A}' to='${B}' version='1.0'>`,
    );
    const header = await raw.until(() => raw.header, "header");
    // Pretend to be A's server: the key is valid because A (the authoritative server) confirms it.
    raw.write(`<db:result from='${A}' to='${B}'>${dialbackKey(a.dialbackSecret, B, A, header.id ?? "")}</db:result>`);
    await raw.until(() => /type=["']valid["']/.test(raw.text), "dialback valid");
    raw.write(`<message from='eve@evil.test' to='juliet@${B}' id='spoof'><body>x</body></message>`);
    await raw.until(() => raw.text.includes("invalid-from"), "invalid-from");
    expect(seen).toEqual([]);
  });

  it("refuses stanzas before authentication (not-authorized) and a header for a foreign domain (host-unknown)", async () => {
    const { b } = await pair();
    const early = await RawStream.open(b.port);
    const foreign = await RawStream.open(b.port);
    raws.push(early, foreign);
    const header = (to: string) =>
      `<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' from='${A}' to='${to}' version='1.0'>`;
    early.write(`${header(B)}<message from='romeo@${A}' to='juliet@${B}'/>`);
    await early.until(() => early.text.includes("not-authorized"), "not-authorized");
    foreign.write(header("elsewhere.test"));
    await foreign.until(() => foreign.text.includes("host-unknown"), "host-unknown");
  });

  it("closes only the stream that sent a billion-laughs document; another s2s stream keeps working", async () => {
    const { a, b } = await pair();
    const seen = recordInbound(b);
    expect(await command(a, message("before"))).toMatchObject({ ok: true });
    await until(() => seen[0], "first event");
    const raw = await RawStream.open(b.port);
    raws.push(raw);
    raw.write(
      `<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' from='x.test' to='${B}' version='1.0'><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>`,
    );
    await raw.until(() => raw.text.includes("restricted-xml"), "restricted-xml");
    await raw.until(() => raw.isClosed, "closed");
    expect(await command(a, message("after"))).toMatchObject({ ok: true });
    await until(() => seen[1], "second event");
  });

  it("closes an inbound stream that does not authenticate in time (connection-timeout)", async () => {
    const routes = new Map<string, S2sTarget>();
    const b = await startS2sEdge({ domain: B, routes, env: { XMPP_EDGE_S2S_TIMEOUT_MS: "150" } });
    running.push(b);
    const idle = await RawStream.open(b.port);
    raws.push(idle);
    idle.write(
      `<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' from='${A}' to='${B}' version='1.0'>`,
    );
    await idle.until(() => idle.text.includes("connection-timeout"), "connection-timeout");
  });

  it("refuses inbound connections beyond XMPP_EDGE_S2S_MAX_INBOUND", async () => {
    const routes = new Map<string, S2sTarget>();
    const b = await startS2sEdge({ domain: B, routes, env: { XMPP_EDGE_S2S_MAX_INBOUND: "1" } });
    running.push(b);
    const first = await RawStream.open(b.port);
    raws.push(first);
    await until(() => b.edge.s2s?.node.inboundSessions.length === 1, "first session");
    const second = await RawStream.open(b.port);
    raws.push(second);
    await second.until(() => second.isClosed, "second refused");
    expect(first.isClosed).toBe(false);
  });

  it("gives up on a peer that accepts the connection but never answers (XMPP_EDGE_S2S_TIMEOUT_MS)", async () => {
    const silent = silentServer();
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address() as AddressInfo;
    const routes = new Map<string, S2sTarget>([["silent.test", { host: "127.0.0.1", port: address.port }]]);
    const a = await startS2sEdge({ domain: A, routes, env: { XMPP_EDGE_S2S_TIMEOUT_MS: "200" } });
    running.push(a);
    try {
      const result = await command(a, el("message", { from: `romeo@${A}`, to: "juliet@silent.test" }));
      expect(result).toMatchObject({ ok: false, error: { code: "unavailable", isRetryable: true } });
    } finally {
      silent.close();
      for (const s of [...silentSockets]) s.destroy();
    }
  });

  it("replies unavailable to a command for a domain that cannot be reached", async () => {
    const { a } = await pair();
    const result = await command(a, el("message", { from: `romeo@${A}`, to: "juliet@nowhere.test" }));
    expect(result).toMatchObject({ ok: false, error: { code: "unavailable" } });
  });

  it("orders SRV targets by priority then weight and falls back to the domain on 5269 (RFC 6120 §3.2)", async () => {
    const resolver = createSrvResolver(async () => [
      { name: "b.example", port: 5270, priority: 20, weight: 0 },
      { name: "a.example", port: 5269, priority: 10, weight: 5 },
      { name: "c.example", port: 5271, priority: 10, weight: 50 },
    ]);
    expect(await resolver("example.com")).toEqual([
      { host: "c.example", port: 5271 },
      { host: "a.example", port: 5269 },
      { host: "b.example", port: 5270 },
    ]);
    const none = createSrvResolver(async () => {
      throw new Error("ENOTFOUND");
    });
    expect(await none("example.org")).toEqual([{ host: "example.org", port: 5269 }]);
    const refused = createSrvResolver(async () => [{ name: ".", port: 0, priority: 0, weight: 0 }]);
    expect(await refused("example.net")).toEqual([]);
  });
});

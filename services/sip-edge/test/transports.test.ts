import { createServer, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { type Bus, createMemoryBus } from "@stox/bus";
import {
  newEventId,
  nowIso,
  SIP_OUT_REQUEST,
  sipInSubject,
  sipRequestCommandCodec,
  sipResponseCommandCodec,
  sipResponseReceivedCodec,
} from "@stox/events";
import { parseSipMessage, type SipResponse } from "@stox/sip-parser";
import { cleanup, makeTestCertificates } from "@stox/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { defaultConfig } from "../src/config.js";
import { SipEdge } from "../src/edge.js";
import { sipText } from "./udp-client.js";

/** Reads stream bytes until `done(buffer)` says enough. */
function readUntil(socket: Socket, done: (b: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    socket.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      if (done(buf)) resolve(buf);
    });
    socket.on("error", reject);
  });
}

describe("stream and WebSocket transports", () => {
  let ca: string;
  let cert: string;
  let key: string;
  let bus: Bus;
  let edge: SipEdge;

  beforeAll(async () => {
    const certs = makeTestCertificates({ commonName: "localhost", altNames: ["127.0.0.1", "localhost"] });
    ({ cert, key } = certs);
    ca = certs.ca.cert;
    bus = createMemoryBus();
    bus.subscribe(sipInSubject("message"), (msg) => {
      const answer = () =>
        bus.respond(
          msg,
          sipResponseCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true, status: 200 }),
        );
      // "slow" messages are answered after their connection closed.
      if (new TextDecoder().decode(msg.data).includes("slow")) setTimeout(answer, 200);
      else answer();
    });
    edge = await SipEdge.start({
      bus,
      config: defaultConfig({
        transports: (["tcp", "tls", "ws"] as const).map((protocol) => ({ protocol, address: "127.0.0.1", port: 0 })),
        tlsCert: cert,
        tlsKey: key,
      }),
      tlsClient: { ca },
    });
  });

  afterAll(async () => {
    await edge?.stop();
    await bus?.drain();
    await cleanup();
  });

  it("frames TCP by Content-Length: two requests in one chunk, one split across chunks (RFC 3261 §18.3)", async () => {
    const socket = netConnect({ host: "127.0.0.1", port: edge.address("tcp")?.port ?? 0 });
    await new Promise((r) => socket.once("connect", r));
    const a = sipText("OPTIONS", 1, { callId: "tcp-a" }).replace(/\n/g, "\r\n").replace("SIP/2.0/UDP", "SIP/2.0/TCP");
    const b = sipText("OPTIONS", 1, { callId: "tcp-b" }).replace(/\n/g, "\r\n").replace("SIP/2.0/UDP", "SIP/2.0/TCP");
    const c = sipText("OPTIONS", 1, { callId: "tcp-c" }).replace(/\n/g, "\r\n").replace("SIP/2.0/UDP", "SIP/2.0/TCP");
    const reading = readUntil(socket, (s) => (s.match(/SIP\/2\.0 200/g) ?? []).length === 3);
    socket.write(a + b + c.slice(0, 40));
    socket.write(c.slice(40));
    const text = await reading;
    expect(text).toContain("Call-ID: tcp-a");
    expect(text).toContain("Call-ID: tcp-c");
    socket.destroy();
  });

  it("sends the response to the Via sent-by port when the request's connection closed (RFC 3261 §18.2.2)", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const viaPort = (server.address() as { port: number }).port;
    const got = new Promise<string>((resolve) => {
      server.on("connection", (s) => readUntil(s, (b) => b.includes("\r\n\r\n")).then(resolve));
    });
    const socket = netConnect({ host: "127.0.0.1", port: edge.address("tcp")?.port ?? 0 });
    await new Promise((r) => socket.once("connect", r));
    socket.end(
      sipText("MESSAGE", viaPort, { body: "slow", callId: "closed-conn" })
        .replace(/\n/g, "\r\n")
        .replace("SIP/2.0/UDP", "SIP/2.0/TCP")
        .replace(";rport", ""),
    );
    const text = await got;
    expect(text).toMatch(/^SIP\/2\.0 200/);
    expect(text).toContain("Call-ID: closed-conn");
    server.close();
  });

  it("answers a CRLFCRLF keep-alive ping with a CRLF pong (RFC 5626 §4.4.1)", async () => {
    const socket = netConnect({ host: "127.0.0.1", port: edge.address("tcp")?.port ?? 0 });
    await new Promise((r) => socket.once("connect", r));
    const reading = readUntil(socket, (s) => s.length >= 2);
    socket.write("\r\n\r\n");
    expect(await reading).toBe("\r\n");
    socket.destroy();
  });

  it("closes a TCP connection that announces an oversize body (CORE-SEC-11)", async () => {
    const socket = netConnect({ host: "127.0.0.1", port: edge.address("tcp")?.port ?? 0 });
    await new Promise((r) => socket.once("connect", r));
    const closed = new Promise((r) => socket.once("close", r));
    socket.write(`MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 9999999\r\n\r\n`);
    await closed;
  });

  it("answers OPTIONS over TLS (CORE-ARCH-03)", async () => {
    const socket = tlsConnect({
      host: "127.0.0.1",
      port: edge.address("tls")?.port ?? 0,
      ca,
      servername: "localhost",
    });
    await new Promise((r) => socket.once("secureConnect", r));
    const reading = readUntil(socket as unknown as Socket, (s) => s.includes("\r\n\r\n"));
    socket.write(sipText("OPTIONS", 1).replace(/\n/g, "\r\n").replace("SIP/2.0/UDP", "SIP/2.0/TLS"));
    expect(await reading).toMatch(/^SIP\/2\.0 200/);
    socket.destroy();
  });

  it("sends a bus command to a sips: URI over TLS (RFC 3263: sips defaults to TLS, certificate checked: CORE-SEC-10) and reports the 200", async () => {
    const uri = `sips:gw@127.0.0.1:${edge.address("tls")?.port}`;
    const reply = await bus.request(
      SIP_OUT_REQUEST,
      sipRequestCommandCodec.encode({
        v: 1,
        id: newEventId(),
        at: nowIso(),
        method: "MESSAGE",
        requestUri: uri,
        from: { uri: "sips:romeo@gw.example" },
        to: { uri },
        contentType: "text/plain",
        body: "over TLS",
      }),
      { timeoutMs: 5000 },
    );
    const r = sipResponseReceivedCodec.decode(reply.data);
    expect(r.ok && r.status).toBe(200);
  });

  it("takes SIP over WebSocket with the sip subprotocol, one message per frame (RFC 7118 §5)", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${edge.address("ws")?.port}`, "sip");
    await new Promise((r, j) => {
      ws.once("open", r);
      ws.once("error", j);
    });
    const answer = new Promise<string>((r) => ws.once("message", (d) => r(d.toString())));
    ws.send(
      sipText("MESSAGE", 1, { body: "hi" })
        .replace(/\n/g, "\r\n")
        .replace("SIP/2.0/UDP 127.0.0.1:1", "SIP/2.0/WS df7jal23ls0d.invalid"),
    );
    const res = parseSipMessage(await answer) as SipResponse;
    expect(res.status).toBe(200);
    expect(res.via[0]?.received).toBe("127.0.0.1");
    ws.close();
  });

  it("refuses a WebSocket without the sip subprotocol (RFC 7118 §4.1)", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${edge.address("ws")?.port}`);
    const closed = await new Promise<boolean>((r) => {
      ws.once("close", () => r(true));
      ws.once("error", () => r(true));
    });
    expect(closed).toBe(true);
  });

  it("trusts a TLS peer whose client certificate the configured CA verifies, refuses others (mutual TLS, CORE-SEC-06)", async () => {
    const strict = await SipEdge.start({
      bus,
      config: defaultConfig({
        transports: [{ protocol: "tls", address: "127.0.0.1", port: 0 }],
        tlsCert: cert,
        tlsKey: key,
        tlsClientCa: ca,
        trustedPeers: ["10.0.0.0/8"], // loopback is not trusted by address
      }),
    });
    try {
      const ask = async (withCert: boolean) => {
        const socket = tlsConnect({
          host: "127.0.0.1",
          port: strict.address("tls")?.port ?? 0,
          ca,
          servername: "localhost",
          ...(withCert ? { cert, key } : {}),
        });
        await new Promise((r) => socket.once("secureConnect", r));
        const reading = readUntil(socket as unknown as Socket, (b) => b.includes("\r\n\r\n"));
        socket.write(sipText("MESSAGE", 1).replace(/\n/g, "\r\n").replace("SIP/2.0/UDP", "SIP/2.0/TLS"));
        const text = await reading;
        socket.destroy();
        return text.slice(0, 12);
      };
      expect(await ask(true)).toBe("SIP/2.0 200 ");
      expect(await ask(false)).toBe("SIP/2.0 403 ");
    } finally {
      await strict.stop();
    }
  });
});

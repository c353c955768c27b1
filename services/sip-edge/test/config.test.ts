import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@stox/service-kit";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";

describe("sip-edge config from SIP_EDGE_* variables", () => {
  it("defaults to UDP and TCP on 5060 on every address, RFC 3261 timer values", () => {
    const c = loadConfig({});
    expect(c.transports).toEqual([
      { protocol: "udp", address: "0.0.0.0", port: 5060 },
      { protocol: "tcp", address: "0.0.0.0", port: 5060 },
    ]);
    expect(c.publicHost).toBe("127.0.0.1");
    expect(c.timers).toEqual({ t1: 500, t2: 4000, t4: 5000 });
  });

  it("reads transports, ports, trusted peers and rate limits", () => {
    const c = loadConfig({
      SIP_EDGE_TRANSPORTS: "udp,ws",
      SIP_EDGE_UDP_PORT: "5070",
      SIP_EDGE_WS_PORT: "8088",
      SIP_EDGE_LISTEN_ADDRESS: "127.0.0.1",
      SIP_EDGE_TRUSTED_PEERS: "10.0.0.0/8,192.0.2.1",
      SIP_EDGE_RATE_PER_SECOND: "20",
      SIP_EDGE_WS_ADDRESS: "127.0.0.2",
    });
    expect(c.transports.map((t) => t.address)).toEqual(["127.0.0.1", "127.0.0.2"]);
    expect(c.transports.map((t) => `${t.protocol}:${t.port}`)).toEqual(["udp:5070", "ws:8088"]);
    expect(c.trustedPeers).toEqual(["10.0.0.0/8", "192.0.2.1"]);
    expect(c.ratePerSecond).toBe(20);
    expect(c.publicHost).toBe("127.0.0.1");
  });

  it("asks for a 1 MiB UDP receive buffer unless SIP_EDGE_UDP_RECEIVE_BUFFER_BYTES says otherwise (0: OS default)", () => {
    expect(loadConfig({}).udpReceiveBufferBytes).toBe(1024 * 1024);
    expect(loadConfig({ SIP_EDGE_UDP_RECEIVE_BUFFER_BYTES: "0" }).udpReceiveBufferBytes).toBe(0);
    expect(() => loadConfig({ SIP_EDGE_UDP_RECEIVE_BUFFER_BYTES: "-1" })).toThrow(/SIP_EDGE_UDP_RECEIVE_BUFFER_BYTES/);
  });

  it("names the variable to fix: unknown transport, TLS without a certificate, digest without a realm", () => {
    expect(() => loadConfig({ SIP_EDGE_TRANSPORTS: "sctp" })).toThrow(/SIP_EDGE_TRANSPORTS/);
    expect(() => loadConfig({ SIP_EDGE_TRANSPORTS: "tls" })).toThrow(ConfigError);
    const dir = mkdtempSync(join(tmpdir(), "sip-edge-cfg-"));
    try {
      writeFileSync(join(dir, "users"), "proxy:s3cret\n");
      expect(() => loadConfig({ SIP_EDGE_DIGEST_USERS_FILE: join(dir, "users") })).toThrow(/SIP_EDGE_DIGEST_REALM/);
      writeFileSync(join(dir, "secret"), "k");
      const c = loadConfig({
        SIP_EDGE_DIGEST_USERS_FILE: join(dir, "users"),
        SIP_EDGE_DIGEST_REALM: "gw.example",
        SIP_EDGE_DIGEST_NONCE_SECRET_FILE: join(dir, "secret"),
      });
      expect(c.digestUsers?.get("proxy")).toBe("s3cret");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// MSRP over TLS (msrps): the edge's TLS listener and its TLS client side, with a throw-away certificate
// from a test CA (@stox/test-harness).
import { cleanup, makeTestCertificates, type TestCertificates } from "@stox/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BusFactory, useFlowSuite } from "./helpers/buses.js";
import { startEdge } from "./helpers/edge-harness.js";
import { eventually, MapperStub } from "./helpers/mapper-stub.js";
import { PeerServer, RawPeer } from "./helpers/raw-peer.js";
import { textSend } from "./helpers/wire.js";

export function defineTlsFlows(makeBus: BusFactory): void {
  const suite = useFlowSuite(makeBus);
  const { scope } = suite;
  let cert: TestCertificates;
  beforeAll(() => {
    cert = makeTestCertificates({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"] });
  });
  afterAll(() => cleanup());

  async function tlsEdge(tlsCa?: string) {
    const edge = scope.add(
      await startEdge(suite.bus, {
        publicHost: "localhost",
        tls: { port: 0, cert: cert.cert, key: cert.key },
        ...(tlsCa !== undefined ? { tlsCa } : {}),
      }),
      (e) => e.stop(),
    );
    const mapper = scope.add(new MapperStub(suite.bus, edge.owner), (m) => m.stop());
    return { edge, mapper };
  }

  describe("MSRP over TLS", () => {
    it("accepts msrps sessions on the TLS listener (MSRP-TLS-01, MSRP-TLS-02, MSRP-SDP-01)", async () => {
      const { edge, mapper } = await tlsEdge();
      const opened = await edge.open({
        isSecure: true,
        remote: { path: ["msrps://atlanta.example.com:7654/jshA7weztas;tcp"], setup: "actpass" },
      });
      const port = edge.edge.localPort(true);
      expect(opened.localPath[0]).toMatch(new RegExp(`^msrps://localhost:${port}/[A-Za-z0-9]{20};tcp$`));
      const peer = scope.add(await RawPeer.connect(port, { ca: cert.ca.cert }), (p) => p.close());
      const send = textSend(opened.localPath[0] as string, "tls00001", "mtls0001", "over TLS").toString();
      peer.write(send.replace("From-Path: msrp://", "From-Path: msrps://"));
      expect(await peer.status("tls00001")).toBe(200);
      expect(await eventually(() => mapper.sends[0]?.body)).toBe("over TLS");
    });

    it("connects out over TLS when active and verifies the peer's certificate (MSRP-TLS-01, MSRP-CONN-03)", async () => {
      const { edge } = await tlsEdge(cert.ca.cert);
      const server = scope.add(await PeerServer.start(cert), (s) => s.stop());
      const opened = await edge.open({ role: "offerer", isSecure: true });
      const remote = { path: [`msrps://localhost:${server.port}/tlsPeer0001;tcp`], setup: "passive" };
      expect(await edge.command("update", { session: opened.session, remote })).toMatchObject({ ok: true });
      const peer = await server.nextPeer(0);
      expect((await peer.request("SEND")).toPath[0]?.sessionId).toBe("tlsPeer0001");
    });

    it("refuses a TLS peer whose certificate it cannot verify and ends the session", async () => {
      const { edge, mapper } = await tlsEdge(); // no CA: the test CA is not trusted
      const server = scope.add(await PeerServer.start(cert), (s) => s.stop());
      const opened = await edge.open({ role: "offerer", isSecure: true });
      const remote = { path: [`msrps://localhost:${server.port}/tlsPeer0002;tcp`], setup: "passive" };
      const reply = await edge.command("update", { session: opened.session, remote });
      expect(reply).toMatchObject({ ok: false, error: { code: "unavailable" } });
      expect(await eventually(() => mapper.closed[0]?.reason)).toBe("failed");
    });
  });
}

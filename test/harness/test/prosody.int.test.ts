import { existsSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it, onTestFailed } from "vitest";
import {
  canConnect,
  cleanup,
  freePort,
  isProcessAlive,
  makeTestCertificates,
  markFailed,
  type ProsodyHandle,
  startProsody,
  xmppClient,
} from "../src/index.js";

describe("startProsody + xmppClient", () => {
  afterAll(() => cleanup());

  let server: Promise<ProsodyHandle> | undefined;
  /** One server for the tests that do not stop or restart it. */
  const shared = () => {
    server ??= startProsody({
      domain: "localhost",
      components: [{ name: "sip.localhost", secret: "s3cret" }],
      users: [
        { user: "alice", password: "alice-pw" },
        { user: "bob", password: "bob-pw" },
      ],
    });
    return server;
  };

  it("delivers a chat message from one Prosody user to another through the harness-started server", async () => {
    onTestFailed(() => markFailed());
    const prosody = await shared();
    const alice = await xmppClient({
      service: prosody.service,
      domain: "localhost",
      username: "alice",
      password: "alice-pw",
    });
    const bob = await xmppClient({
      service: prosody.service,
      domain: "localhost",
      username: "bob",
      password: "bob-pw",
    });

    const id = await alice.sendMessage("bob@localhost", "hello bob");
    const got = await bob.waitForMessage({ from: "alice@localhost" });

    expect(got.attrs.id).toBe(id);
    expect(got.getChildText("body")).toBe("hello bob");
    expect(String(got.attrs.from)).toBe(alice.jid);
  });

  it("restarts on the same ports with the same users, and stop() releases every port", async () => {
    onTestFailed(() => markFailed());
    const prosody = await startProsody({ domain: "localhost", users: [{ user: "carol", password: "pw" }], s2s: {} });
    const firstPid = prosody.pid();
    await prosody.restart();
    expect(prosody.pid()).not.toBe(firstPid);
    await prosody.addUser("dave", "pw2");
    const carol = await xmppClient({
      service: prosody.service,
      domain: "localhost",
      username: "carol",
      password: "pw",
    });
    const dave = await xmppClient({ service: prosody.service, domain: "localhost", username: "dave", password: "pw2" });
    await dave.sendMessage(carol.jid, "to your full JID");
    expect((await carol.waitForMessage({ from: dave.jid })).getChildText("body")).toBe("to your full JID");
    await carol.stop();
    await dave.stop();

    await prosody.stop();
    expect(isProcessAlive(prosody.pid())).toBe(false);
    for (const port of [prosody.c2sPort, prosody.componentPort, prosody.s2sPort as number]) {
      expect(await canConnect(port)).toBe(false);
    }
    expect(existsSync(prosody.configFile)).toBe(true); // removed by cleanup(), not by stop()
  });

  it("federates two harness-started servers over S2S with static routes and dialback (RFC 6120 §3.2 without DNS)", async () => {
    onTestFailed(() => markFailed());
    const [portA, portB] = [await freePort(), await freePort()];
    const a = await startProsody({
      domain: "a.localhost",
      users: [{ user: "ann", password: "pw" }],
      s2s: { port: portA, routes: { "b.localhost": portB } },
    });
    const b = await startProsody({
      domain: "b.localhost",
      users: [{ user: "ben", password: "pw" }],
      s2s: { port: portB, routes: { "a.localhost": portA } },
    });
    const ann = await xmppClient({ service: a.service, domain: "a.localhost", username: "ann", password: "pw" });
    const ben = await xmppClient({ service: b.service, domain: "b.localhost", username: "ben", password: "pw" });

    await ann.sendMessage(ben.jid, "across servers");
    const got = await ben.waitForMessage({ from: ann.jid, timeoutMs: 10_000 });

    expect(got.getChildText("body")).toBe("across servers");
    expect(a.log()).toContain("static route");
  });

  it("fails to connect a user with a wrong password, with the SASL error", async () => {
    onTestFailed(() => markFailed());
    const prosody = await shared();
    await expect(
      xmppClient({ service: prosody.service, domain: "localhost", username: "alice", password: "wrong" }),
    ).rejects.toThrow(/not-authorized/);
  });

  it("offers STARTTLS with test certificates and an extra module; xmppClient verifies the server with the given CA only", async () => {
    onTestFailed(() => markFailed());
    const certs = makeTestCertificates({ commonName: "localhost" });
    const prosody = await startProsody({
      domain: "localhost",
      users: [{ user: "dave", password: "pw" }],
      tls: { ...certs, caFile: certs.ca.certFile },
      modules: ["uptime", "version"],
    });
    const config = readFileSync(prosody.configFile, "utf8");
    expect(config.match(/^modules_enabled = .*$/gm)).toEqual([
      'modules_enabled = { "roster", "saslauth", "disco", "ping", "posix", "version", "time", "tls", "uptime" }',
    ]);
    const dave = await xmppClient({
      service: prosody.service,
      domain: "localhost",
      username: "dave",
      password: "pw",
      ca: certs.ca.cert,
    });
    expect(dave.xmpp.isSecure()).toBe(true);
    const stranger = makeTestCertificates({ commonName: "localhost", ca: "another CA" });
    const refused = xmppClient({
      service: prosody.service,
      domain: "localhost",
      username: "dave",
      password: "pw",
      ca: stranger.ca.cert,
      connectTimeoutMs: 5_000,
    });
    await expect(refused).rejects.toThrow(/certificate/i);
    expect(prosody.log()).not.toMatch(/duplicate|overriding/i);
  });
});

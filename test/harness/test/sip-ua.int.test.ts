import { afterAll, describe, expect, it, onTestFailed } from "vitest";
import { cleanup, markFailed, runSipp, startSipp, startSipTestUa } from "../src/index.js";

const transports = [
  ["udp", "u1"],
  ["tcp", "t1"],
] as const;

describe("SIP test UA", () => {
  afterAll(() => cleanup());

  it.each(transports)(
    "sends a MESSAGE to a sipp UAS over %s and gets its 200 (RFC 3428 §4)",
    async (transport, sippT) => {
      onTestFailed(() => markFailed());
      const uas = await startSipp({ scenario: "uas-message-answer-200.xml", transport: sippT });
      const ua = await startSipTestUa({ transport });

      const response = await ua.request({
        method: "MESSAGE",
        uri: `sip:bob@127.0.0.1:${uas.port}`,
        target: `127.0.0.1:${uas.port}`,
        body: "hello sipp",
      });
      const served = await uas.done;

      expect(response.status).toBe(200);
      expect(response.to.params.some((p) => p.name === "tag")).toBe(true);
      expect(served.exitCode).toBe(0);
      expect(served.messages).toContain("hello sipp");
    },
  );

  it.each(transports)("answers a sipp UAC's MESSAGE over %s with the handler's 200", async (transport, sippT) => {
    onTestFailed(() => markFailed());
    const ua = await startSipTestUa({ transport });
    ua.onRequest((req) => (req.method === "MESSAGE" ? 200 : 405));

    const uac = await runSipp({
      scenario: "uac-message-expect-200.xml",
      target: `127.0.0.1:${ua.port}`,
      transport: sippT,
      service: "carol",
    });
    const request = await ua.waitForRequest((r) => r.method === "MESSAGE");

    expect(uac.exitCode).toBe(0);
    expect(request.body.toString("utf8")).toContain("Hello from sipp");
    expect(request.uri).toBe(`sip:carol@127.0.0.1:${ua.port}`);
  });

  it("sends the ACK for a non-2xx INVITE final response on the same branch (RFC 3261 §17.1.1.3)", async () => {
    const callee = await startSipTestUa({ user: "callee" });
    callee.onRequest((req) => (req.method === "INVITE" ? 486 : undefined));
    const caller = await startSipTestUa({ user: "caller" });

    const response = await caller.request({ method: "INVITE", uri: callee.uri, target: `127.0.0.1:${callee.port}` });
    const invite = await callee.waitForRequest((r) => r.method === "INVITE");
    const ack = await callee.waitForRequest((r) => r.method === "ACK");

    expect(response.status).toBe(486);
    expect(ack.via[0]?.branch).toBe(invite.via[0]?.branch);
    expect(ack.header("to")).toBe(response.header("to"));
    expect(ack.cseq).toEqual({ seq: invite.cseq.seq, method: "ACK" });
  });

  it("records bytes that do not parse instead of answering them", async () => {
    const ua = await startSipTestUa();
    const peer = await startSipTestUa();
    await peer.sendRaw("NOT SIP AT ALL\r\n\r\n", `127.0.0.1:${ua.port}`);
    await expect(ua.waitForRequest(undefined, 300)).rejects.toThrow(/no matching request/);
    expect(ua.parseErrors).toHaveLength(1);
  });
});

describe("SIP test UA by hand", () => {
  afterAll(() => cleanup());

  it("answers a waited-for request with respond() and sends an in-dialog request with both tags (RFC 3261 §12.2.1.1)", async () => {
    const callee = await startSipTestUa({ transport: "tcp", user: "callee" });
    const caller = await startSipTestUa({ transport: "tcp", user: "caller" });

    const pending = caller.request({
      method: "SUBSCRIBE",
      uri: callee.uri,
      target: `127.0.0.1:${callee.port}`,
      fromTag: "caller-tag",
    });
    const subscribe = await callee.waitForRequest((r) => r.method === "SUBSCRIBE");
    callee.respond(subscribe, 200);
    const ok = await pending;
    const toTag = ok.to.params.find((p) => p.name === "tag")?.value as string;

    callee.onRequest(() => 200);
    const notify = await caller.request({
      method: "NOTIFY",
      uri: callee.uri,
      target: `127.0.0.1:${callee.port}`,
      callId: subscribe.callId,
      cseq: 2,
      fromTag: "caller-tag",
      toTag,
    });
    const inDialog = await callee.waitForRequest((r) => r.method === "NOTIFY");

    expect(ok.status).toBe(200);
    expect(notify.status).toBe(200);
    expect(inDialog.callId).toBe(subscribe.callId);
    expect(inDialog.header("from")).toContain("tag=caller-tag");
    expect(inDialog.header("to")).toContain(`tag=${toTag}`);
    expect(() => caller.respond(inDialog, 200)).toThrow(/not a request this UA received/);
  });
});

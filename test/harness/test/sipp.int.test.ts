import { afterAll, describe, expect, it, onTestFailed } from "vitest";
import { cleanup, markFailed, runSipp, startSipp } from "../src/index.js";

describe("runSipp / startSipp", () => {
  afterAll(() => cleanup());

  it.each(["u1", "t1"] as const)(
    "a sipp UAC and UAS exchange a MESSAGE and its 200 over %s (RFC 3428 §4, §7)",
    async (transport) => {
      onTestFailed(() => markFailed());
      const uas = await startSipp({ scenario: "uas-message-answer-200.xml", transport });
      const uac = await runSipp({
        scenario: "uac-message-expect-200.xml",
        target: `127.0.0.1:${uas.port}`,
        transport,
        service: "alice",
      });
      const served = await uas.done;

      expect(uac.exitCode).toBe(0);
      expect(served.exitCode).toBe(0);
      expect(served.messages).toMatch(/^MESSAGE sip:alice@127\.0\.0\.1:\d+ SIP\/2\.0/m);
      expect(served.messages).toContain("Hello from sipp");
      expect(uac.messages).toMatch(/^SIP\/2\.0 200 OK/m);
    },
  );

  it("reports a failed UAC with a non-zero exit code with its traces when no one answers", async () => {
    onTestFailed(() => markFailed());
    const silent = await startSipp({ scenario: "uas-message-answer-200.xml", timeoutSeconds: 5 });
    await silent.stop();
    const uac = await runSipp({
      scenario: "uac-message-expect-200.xml",
      target: `127.0.0.1:${silent.port}`,
      timeoutSeconds: 1,
    });
    expect(uac.isSuccess).toBe(false);
    expect(uac.exitCode).not.toBe(0);
    expect(uac.dir).toMatch(/stox-sipp-/);
    expect(uac.messages).toContain("MESSAGE sip:");
    expect(uac.output).toContain("timed out");
  });
});

import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  canConnect,
  cleanup,
  isPortFree,
  isProcessAlive,
  pendingCleanups,
  startNats,
  startSipp,
  waitUntil,
} from "../src/index.js";

const root = resolve(import.meta.dirname, "../../..");

function runChildVitest(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [
        join(root, "node_modules/vitest/vitest.mjs"),
        "run",
        "--config",
        "test/harness/test/fixtures/vitest.inner.config.ts",
      ],
      { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.once("exit", (code) => done({ code, output }));
  });
}

describe("teardown", () => {
  afterAll(() => cleanup());

  it("leaves no process or port behind after a failing test in a child vitest, and keeps Prosody's logs", async () => {
    const probeFile = join(tmpdir(), `stox-probe-${process.pid}-${Date.now()}.json`);
    const { code, output } = await runChildVitest({ STOX_HARNESS_PROBE_FILE: probeFile });
    expect(code, output).toBe(1);
    expect(output).toContain("deliberate failure");
    const probe = JSON.parse(readFileSync(probeFile, "utf8")) as {
      pids: number[];
      tcpPorts: number[];
      keptDirs: [string, string, string];
    };
    rmSync(probeFile);

    expect(probe.pids).toHaveLength(3);
    for (const pid of probe.pids) expect(isProcessAlive(pid), `pid ${pid}`).toBe(false);
    for (const port of probe.tcpPorts) expect(await canConnect(port), `port ${port}`).toBe(false);
    // The run was marked failed, so the logs a developer needs stay on disk.
    const [prosodyDir, natsDir, sippDir] = probe.keptDirs;
    expect(readFileSync(join(prosodyDir, "prosody.log"), "utf8")).toContain("Authenticated as alice@localhost");
    expect(existsSync(join(natsDir, "nats-server.log"))).toBe(true);
    expect(existsSync(join(sippDir, "output.log"))).toBe(true);
    for (const dir of probe.keptDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("kills its children when the test process gets SIGTERM without running cleanup()", async () => {
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", join(import.meta.dirname, "fixtures/killed-by-signal.fixture.ts")],
      { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
    );
    const probe = await new Promise<{ pids: number[]; tcpPorts: number[]; dirs: string[] }>((done) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) done(JSON.parse(out.slice(0, out.indexOf("\n"))));
      });
    });
    for (const pid of probe.pids) expect(isProcessAlive(pid)).toBe(true);

    const exited = new Promise<NodeJS.Signals | null>((done) => child.once("exit", (_code, signal) => done(signal)));
    child.kill("SIGTERM");

    expect(await exited).toBe("SIGTERM");
    // SIGKILL was sent before the child died; the kernel finishes the job a moment later.
    for (const pid of probe.pids) await waitUntil(`pid ${pid} gone`, () => !isProcessAlive(pid), 5_000);
    for (const port of probe.tcpPorts) expect(await canConnect(port), `port ${port}`).toBe(false);
    // No cleanup() ran, so the logs of the interrupted run are still there.
    for (const dir of probe.dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("cleanup() stops what a block started before it threw", async () => {
    let pids: number[] = [];
    let port = 0;
    const block = async () => {
      const nats = await startNats({ isPrivate: true });
      const uas = await startSipp({ scenario: "uas-message-answer-200.xml", timeoutSeconds: 60 });
      pids = [nats.pid as number, uas.pid];
      port = uas.port;
      throw new Error("boom inside a harness-managed block");
    };
    await expect(block()).rejects.toThrow("boom");
    expect(pendingCleanups().length).toBeGreaterThanOrEqual(2);

    const report = await cleanup();

    expect(report.errors).toEqual([]);
    expect(pendingCleanups()).toEqual([]);
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
    expect(await isPortFree(port, "udp")).toBe(true);
  });
});

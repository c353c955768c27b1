// Spawns sipp for one scenario (until @stox/test-harness runSipp lands on main). Every run is bounded by
// `-timeout 10s`, and the process is killed if it outlives that, so a failing test never hangs.
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { resolve } from "node:path";

export const SIPP_DIR = resolve(import.meta.dirname, "../../../test/sipp");

export interface SippRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SippOptions {
  readonly scenario: string;
  /** The edge's port; omitted for UAS scenarios (sipp waits for requests). */
  readonly remotePort?: number;
  readonly transport: "udp" | "tcp";
  /** Local port for sipp (its own UAS side listens here). */
  readonly localPort?: number;
  readonly calls?: number;
  readonly service?: string;
  readonly extraArgs?: readonly string[];
  /** TCP with one socket per call (`-t tn`), which sipp needs for `setdest`. */
  readonly isMultiSocket?: boolean;
}

/** Runs a UAC or UAS scenario against 127.0.0.1 and resolves when sipp exits. */
export function runSipp(options: SippOptions): Promise<SippRun> {
  const args = [
    "-sf",
    resolve(SIPP_DIR, options.scenario),
    "-t",
    options.transport === "udp" ? "u1" : options.isMultiSocket ? "tn" : "t1",
    ...(options.isMultiSocket ? ["-max_socket", "100"] : []),
    "-i",
    "127.0.0.1",
    "-m",
    String(options.calls ?? 1),
    "-timeout",
    "10s",
    "-s",
    options.service ?? "gw",
    "-nostdin",
    ...(options.localPort === undefined ? [] : ["-p", String(options.localPort)]),
    ...(options.extraArgs ?? []),
    ...(process.env.SIPP_TRACE_DIR
      ? ["-trace_msg", "-message_file", `${process.env.SIPP_TRACE_DIR}/sipp-${Date.now()}.log`]
      : []),
    ...(options.remotePort === undefined ? [] : [`127.0.0.1:${options.remotePort}`]),
  ];
  return new Promise((done, fail) => {
    const child = spawn("/usr/bin/sipp", args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.on("error", (e) => {
      clearTimeout(killer);
      fail(e);
    });
    child.on("exit", (code) => {
      clearTimeout(killer);
      done({ code, stdout: stdout.slice(-2000), stderr: stderr.slice(-2000) });
    });
  });
}

/** A free UDP port on loopback (sipp's UAS side needs a fixed one for its Contact). */
export function freeUdpPort(): Promise<number> {
  return new Promise((done) => {
    const s = createSocket("udp4");
    s.bind(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

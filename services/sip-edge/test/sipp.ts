// sipp runs through @stox/test-harness (free ports, traces kept on failure, cleanup); this adapter keeps
// the tests short: transport by name, the edge's port as target, and `-t tn` when a scenario uses setdest.
import { type SippResult, type SippRun, startSipp } from "@stox/test-harness";

export interface EdgeSippOptions {
  readonly scenario: string;
  readonly transport: "udp" | "tcp";
  /** The edge's port; omitted for UAS scenarios (sipp waits for requests). */
  readonly remotePort?: number;
  readonly localPort?: number;
  readonly extraArgs?: readonly string[];
  /** TCP with one socket per call (`-t tn`), which sipp needs for `setdest`. */
  readonly isMultiSocket?: boolean;
}

export interface EdgeSippRun {
  readonly code: number | null;
  /** What to print when the run failed: sipp's errors and output. */
  readonly log: string;
}

function toRun(r: SippResult): EdgeSippRun {
  return { code: r.exitCode, log: `${r.errors}\n${r.output.slice(-2000)}\n(logs: ${r.dir})` };
}

function options(o: EdgeSippOptions) {
  const multi = o.transport === "tcp" && o.isMultiSocket === true;
  return {
    scenario: o.scenario,
    service: "gw",
    transport: o.transport === "udp" ? ("u1" as const) : ("t1" as const),
    ...(o.remotePort === undefined ? {} : { target: `127.0.0.1:${o.remotePort}` }),
    ...(o.localPort === undefined ? {} : { localPort: o.localPort }),
    // A later -t wins in sipp's argument parsing.
    extraArgs: [...(multi ? ["-t", "tn", "-max_socket", "100"] : []), ...(o.extraArgs ?? [])],
  };
}

/** Runs a scenario to its end (`-timeout 10s` is the harness default). */
export async function runSipp(o: EdgeSippOptions): Promise<EdgeSippRun> {
  return toRun(await (await startSipp(options(o))).done);
}

/** Starts a UAS scenario; resolves once sipp's port is bound, with that port and its eventual result. */
export async function startSippUas(o: EdgeSippOptions): Promise<{ port: number; done: Promise<EdgeSippRun> }> {
  const run: SippRun = await startSipp(options(o));
  return { port: run.port, done: run.done.then(toRun) };
}

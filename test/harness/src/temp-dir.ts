import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerTempDir } from "./cleanup.js";

/** A fresh temp dir, removed by `cleanup()` unless the run was marked failed. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `stox-${prefix}-`));
  registerTempDir(dir);
  return dir;
}

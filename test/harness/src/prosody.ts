import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { HarnessProcessError } from "./errors.js";
import { canConnect, freePort } from "./ports.js";
import { type ManagedProcess, spawnManaged } from "./processes.js";
import {
  type ProsodyComponent,
  type ProsodyS2sOptions,
  type ProsodyTlsOptions,
  type ProsodyUser,
  renderProsodyConfig,
  S2S_ROUTES_MODULE,
  S2S_ROUTES_MODULE_SOURCE,
} from "./prosody-config.js";
import { makeTempDir } from "./temp-dir.js";
import { waitUntil } from "./wait.js";

const run = promisify(execFile);

export interface StartProsodyOptions {
  /** The virtual host, e.g. "localhost". */
  readonly domain: string;
  readonly components?: readonly ProsodyComponent[];
  /** Registered before the server starts. */
  readonly users?: readonly ProsodyUser[];
  /** Open an S2S listener (dialback; TLS with `tls`), with optional static routes to other servers' S2S ports. */
  readonly s2s?: ProsodyS2sOptions;
  /** Certificates for STARTTLS (c2s and s2s) and S2S certificate checks; default no TLS. */
  readonly tls?: ProsodyTlsOptions;
  /** Modules to enable on top of the harness's own, without restating `modules_enabled`. */
  readonly modules?: readonly string[];
  /** Folders with extra plugins (`mod_<name>.lua`) for `modules`. */
  readonly pluginPaths?: readonly string[];
  /** A MUC service domain (XEP-0045), e.g. "conference.localhost". */
  readonly mucDomain?: string;
  /** Lua lines for the global section; for options the harness does not set (no `modules_enabled`, `ssl`...). */
  readonly extraGlobal?: string;
  /** Default 15 s. */
  readonly startTimeoutMs?: number;
}

export interface ProsodyHandle {
  readonly domain: string;
  readonly host: "127.0.0.1";
  readonly c2sPort: number;
  /** XEP-0114 port; Prosody listens on it only when `components` is not empty. */
  readonly componentPort: number;
  /** Only when `s2s` was requested. */
  readonly s2sPort: number | undefined;
  /** `xmpp://127.0.0.1:<c2sPort>`, the `service` for `xmppClient`. */
  readonly service: string;
  /** Temp dir with prosody.cfg.lua, data/, prosody.log (kept when the run is marked failed). */
  readonly dir: string;
  readonly configFile: string;
  /** Pid of the running server (changes on restart). */
  pid(): number;
  /** Prosody's own log so far. */
  log(): string;
  /** `prosodyctl register` (works while running). */
  addUser(user: string, password: string): Promise<void>;
  /** Stops and starts the server on the same ports, data and config. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts Prosody 0.12 (Debian) with a generated loopback-only config on free ports: one virtual host,
 * users created with prosodyctl, XEP-0114 components, optional S2S and MUC. Stopped by `stop()` or `cleanup()`.
 */
export async function startProsody(options: StartProsodyOptions): Promise<ProsodyHandle> {
  const dir = makeTempDir("prosody");
  mkdirSync(join(dir, "data"));
  mkdirSync(join(dir, "certs"));
  mkdirSync(join(dir, "plugins"));
  writeFileSync(join(dir, "plugins", `mod_${S2S_ROUTES_MODULE}.lua`), S2S_ROUTES_MODULE_SOURCE);
  const c2sPort = await freePort();
  const componentPort = await freePort();
  const s2sPort = options.s2s ? (options.s2s.port ?? (await freePort())) : undefined;
  const configFile = join(dir, "prosody.cfg.lua");
  writeFileSync(
    configFile,
    renderProsodyConfig({
      dir,
      domain: options.domain,
      c2sPort,
      componentPort,
      components: options.components ?? [],
      ...(s2sPort !== undefined ? { s2sPort } : {}),
      ...(options.s2s ? { s2s: options.s2s } : {}),
      ...(options.mucDomain !== undefined ? { mucDomain: options.mucDomain } : {}),
      ...(options.tls !== undefined ? { tls: options.tls } : {}),
      ...(options.modules !== undefined ? { modules: options.modules } : {}),
      ...(options.pluginPaths !== undefined ? { pluginPaths: options.pluginPaths } : {}),
      ...(options.extraGlobal !== undefined ? { extraGlobal: options.extraGlobal } : {}),
    }),
  );
  const addUser = async (user: string, password: string) => {
    try {
      await run("prosodyctl", ["--config", configFile, "register", user, options.domain, password], {
        timeout: 15_000,
      });
    } catch (err) {
      throw new HarnessProcessError(`prosodyctl register ${user} failed; see ${dir}`, "prosodyctl", null, dir, {
        cause: err,
      });
    }
  };
  for (const u of options.users ?? []) await addUser(u.user, u.password);

  // Prosody opens the component port only when some component is configured.
  const ports = [
    c2sPort,
    ...((options.components ?? []).length > 0 ? [componentPort] : []),
    ...(s2sPort !== undefined ? [s2sPort] : []),
  ];
  let proc: ManagedProcess | undefined;
  const start = async () => {
    const p = spawnManaged("prosody", ["--config", configFile, "-F"], {
      label: "prosody",
      logFile: join(dir, "prosody.stdout.log"),
    });
    proc = p;
    try {
      await waitUntil(
        "prosody",
        async () => {
          if (!p.isRunning()) {
            throw new HarnessProcessError(`prosody exited early; logs in ${dir}`, "prosody", null, dir);
          }
          for (const port of ports) if (!(await canConnect(port))) return false;
          return true;
        },
        options.startTimeoutMs ?? 15_000,
      );
    } catch (err) {
      await p.stop();
      throw err;
    }
  };
  const stop = async () => {
    await proc?.stop();
  };
  await start();

  return {
    domain: options.domain,
    host: "127.0.0.1",
    c2sPort,
    componentPort,
    s2sPort,
    service: `xmpp://127.0.0.1:${c2sPort}`,
    dir,
    configFile,
    pid: () => proc?.pid ?? -1,
    log: () => {
      try {
        return readFileSync(join(dir, "prosody.log"), "utf8");
      } catch {
        return "";
      }
    },
    addUser,
    restart: async () => {
      await stop();
      await start();
    },
    stop,
  };
}

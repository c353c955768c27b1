// Test PKI made with Debian's openssl at test time: a CA and leaf certificates it issued, as PEM text and as
// files in a harness temp dir (removed by `cleanup()`, kept after `markFailed()`).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { HarnessProcessError } from "./errors.js";
import { makeTempDir } from "./temp-dir.js";

/** A test certificate authority: trust `cert` (or `certFile`) to verify the leaves it issued. */
export interface TestCa {
  readonly commonName: string;
  readonly cert: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** The temp dir holding the CA and every leaf it issued. */
  readonly dir: string;
}

export interface TestCertificateOptions {
  /** Subject CN of the leaf, e.g. `localhost` or an XMPP domain. */
  readonly commonName: string;
  /**
   * subjectAltName entries: `DNS:name`, `IP:addr`, or a bare name/address (an IP address becomes `IP:`,
   * anything else `DNS:`). Default `[commonName]`.
   */
  readonly altNames?: readonly string[];
  /** Issue from this CA (so several leaves share one trust anchor), or make a new CA with this CN. Default a new CA. */
  readonly ca?: TestCa | string;
}

/** A leaf certificate (serverAuth and clientAuth) and the CA that issued it. */
export interface TestCertificates {
  readonly ca: TestCa;
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
}

let serial = 0;

function openssl(args: readonly string[], cwd: string): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: "pipe" });
  } catch (error) {
    const { stderr, status } = error as { stderr?: Buffer; status?: number | null };
    const message = `openssl ${args[0]} failed: ${stderr?.toString().trim() ?? String(error)}`;
    throw new HarnessProcessError(message, "openssl", status ?? null, cwd, { cause: error });
  }
}

function newKey(file: string, dir: string): void {
  openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file], dir);
}

function safeName(name: string): string {
  return name.replaceAll(/[^a-z0-9.-]/gi, "_");
}

/** A new self-signed CA (EC P-256, valid two days) in its own harness temp dir. */
export function makeTestCa(commonName = "stox test CA"): TestCa {
  const dir = makeTempDir("pki");
  newKey("ca.key", dir);
  openssl(
    ["req", "-x509", "-new", "-key", "ca.key", "-subj", `/CN=${commonName}`, "-days", "2", "-out", "ca.pem"],
    dir,
  );
  const certFile = join(dir, "ca.pem");
  return { commonName, cert: readFileSync(certFile, "utf8"), certFile, keyFile: join(dir, "ca.key"), dir };
}

function altName(name: string): string {
  if (/^(DNS|IP):/.test(name)) return name;
  return isIP(name) === 0 ? `DNS:${name}` : `IP:${name}`;
}

/**
 * A leaf certificate for `commonName` with the given subjectAltNames and extendedKeyUsage serverAuth +
 * clientAuth (usable on both ends of mutual TLS), issued by `options.ca` or by a new CA.
 */
export function makeTestCertificates(options: TestCertificateOptions): TestCertificates {
  const ca = typeof options.ca === "object" ? options.ca : makeTestCa(options.ca);
  const { dir } = ca;
  serial += 1;
  const base = `${safeName(options.commonName)}-${serial}`;
  const sans = (options.altNames ?? [options.commonName]).map(altName);
  newKey(`${base}.key`, dir);
  openssl(["req", "-new", "-key", `${base}.key`, "-subj", `/CN=${options.commonName}`, "-out", `${base}.csr`], dir);
  writeFileSync(join(dir, `${base}.ext`), `subjectAltName=${sans.join(",")}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  openssl(
    [
      "x509",
      "-req",
      "-in",
      `${base}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      `${base}.ext`,
      "-out",
      `${base}.pem`,
    ],
    dir,
  );
  const keyFile = join(dir, `${base}.key`);
  const certFile = join(dir, `${base}.pem`);
  return { ca, cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8"), certFile, keyFile };
}

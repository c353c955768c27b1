// Test PKI made with openssl at test time: one CA, and a certificate per domain (subjectAltName DNS).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCert {
  readonly key: string;
  readonly cert: string;
  readonly keyFile: string;
  readonly certFile: string;
}

export interface TestPki {
  readonly dir: string;
  readonly ca: string;
  readonly caFile: string;
  issue(domain: string): TestCert;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: "ignore" });
}

export function createTestPki(name = "stox test CA"): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "xmpp-edge-pki-"));
  openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key"], dir);
  openssl(["req", "-x509", "-new", "-key", "ca.key", "-subj", `/CN=${name}`, "-days", "2", "-out", "ca.pem"], dir);
  const caFile = join(dir, "ca.pem");
  return {
    dir,
    ca: readFileSync(caFile, "utf8"),
    caFile,
    issue(domain) {
      const base = domain.replaceAll(/[^a-z0-9.-]/gi, "_");
      openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${base}.key`], dir);
      openssl(["req", "-new", "-key", `${base}.key`, "-subj", `/CN=${domain}`, "-out", `${base}.csr`], dir);
      writeFileSync(join(dir, `${base}.ext`), `subjectAltName=DNS:${domain}\nextendedKeyUsage=serverAuth,clientAuth\n`);
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
        ].concat(["-extfile", `${base}.ext`, "-out", `${base}.pem`]),
        dir,
      );
      const keyFile = join(dir, `${base}.key`);
      const certFile = join(dir, `${base}.pem`);
      return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), keyFile, certFile };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

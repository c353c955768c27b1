import { existsSync } from "node:fs";
import { createServer, connect as tlsConnect } from "node:tls";
import { describe, expect, it } from "vitest";
import { cleanup, makeTestCa, makeTestCertificates } from "../src/index.js";

/** Whether a TLS client trusting `ca` accepts a server presenting `cert`/`key` under `servername`. */
async function handshake(server: { cert: string; key: string }, ca: string, servername: string): Promise<string> {
  const listener = createServer({ cert: server.cert, key: server.key }, (s) => s.end());
  await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
  const port = (listener.address() as { port: number }).port;
  try {
    return await new Promise<string>((resolve) => {
      const socket = tlsConnect({ host: "127.0.0.1", port, ca, servername });
      socket.once("secureConnect", () => {
        resolve("ok");
        socket.destroy();
      });
      socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
  } finally {
    listener.close();
  }
}

describe("makeTestCertificates", () => {
  it("issues leaves a client trusting the CA accepts, for their altNames only; another CA's leaf is refused", async () => {
    const first = makeTestCertificates({ commonName: "localhost", altNames: ["localhost", "127.0.0.1"] });
    const sibling = makeTestCertificates({ commonName: "sip.localhost", ca: first.ca });
    const stranger = makeTestCertificates({ commonName: "localhost", ca: "another CA" });
    expect(sibling.ca).toBe(first.ca);
    expect(stranger.ca.commonName).toBe("another CA");
    expect(await handshake(first, first.ca.cert, "localhost")).toBe("ok");
    expect(await handshake(sibling, first.ca.cert, "sip.localhost")).toBe("ok");
    expect(await handshake(sibling, first.ca.cert, "localhost")).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    expect(await handshake(stranger, first.ca.cert, "localhost")).not.toBe("ok");
    expect(makeTestCa().commonName).toBe("stox test CA");

    const files = [first.certFile, first.keyFile, first.ca.certFile, stranger.certFile];
    expect(files.every((f) => existsSync(f))).toBe(true);
    await cleanup();
    expect(files.some((f) => existsSync(f))).toBe(false);
  });
});

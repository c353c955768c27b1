import { isIP, type Server, type Socket, connect as tcpConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { MsrpUri, TimerApi } from "@stox/msrp-lite";
import type { MsrpEdgeConfig } from "./config.js";
import { MsrpConnectError } from "./errors.js";

/** Reuse key of an outgoing connection: scheme, host and port of the first hop (MSRP-CONN-01). */
export function authorityOf(uri: MsrpUri): string {
  return `${uri.scheme}://${uri.host.toLowerCase()}:${uri.port ?? 2855}`;
}

/**
 * Opens a TCP or, for `msrps`, TLS connection to the first hop of a peer's path (RFC 4975 §6.2: host and
 * port from the URI). TLS sends SNI for host names (MSRP-TLS-02) and verifies the peer unless configured
 * otherwise (MSRP-TLS-01). Rejects with {@link MsrpConnectError} on failure or after `bindTimeoutMs`.
 */
export async function dial(
  target: MsrpUri,
  authority: string,
  config: Pick<MsrpEdgeConfig, "tlsVerifyPeer" | "tlsCa" | "bindTimeoutMs">,
  timers: TimerApi,
): Promise<Socket> {
  const host = target.host.startsWith("[") ? target.host.slice(1, -1) : target.host;
  const port = target.port ?? 2855;
  const isSecure = target.scheme === "msrps";
  const socket: Socket = isSecure
    ? tlsConnect({
        host,
        port,
        ...(isIP(host) === 0 ? { servername: host } : {}),
        rejectUnauthorized: config.tlsVerifyPeer,
        ...(config.tlsCa !== undefined ? { ca: config.tlsCa } : {}),
      })
    : tcpConnect({ host, port });
  await new Promise<void>((resolve, reject) => {
    const handle = timers.setTimeout(() => {
      socket.destroy();
      reject(new MsrpConnectError("connect timed out", authority));
    }, config.bindTimeoutMs);
    socket.once(isSecure ? "secureConnect" : "connect", () => {
      timers.clearTimeout(handle);
      resolve();
    });
    socket.once("error", (error) => {
      timers.clearTimeout(handle);
      reject(new MsrpConnectError(`cannot connect: ${error.message}`, authority, { cause: error }));
    });
  });
  return socket;
}

/** Listens and resolves with the bound port (0 picks a free one). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

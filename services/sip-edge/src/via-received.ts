import { formatParams, type SipParam, type SipRequest, type Via } from "@stox/sip-parser";
import { type Destination, protocolFromVia, type Source } from "./transport/types.js";

export function formatVia(via: Via): string {
  const port = via.port === undefined ? "" : `:${via.port}`;
  return `${via.protocol}/${via.transport} ${via.host}${port}${formatParams(via.params)}`;
}

/**
 * RFC 3261 §18.2.1 and RFC 3581 §4: record where the request really came from in its top Via:
 * `received` when the sent-by host differs from the source address (always when rport is asked),
 * and the source port in `rport` when the client asked for it. Rewrites the request's Via lines.
 */
export function recordSource(request: SipRequest, source: Source): void {
  const vias = request.via;
  const top = vias[0];
  if (top === undefined) return;
  const wantsRport = top.rport !== undefined;
  const hostDiffers = stripBrackets(top.host).toLowerCase() !== source.remote.address.toLowerCase();
  if (!wantsRport && !hostDiffers) return;
  const params: SipParam[] = [];
  for (const p of top.params) {
    const name = p.name.toLowerCase();
    if (name === "received" || name === "rport") continue;
    params.push(p);
  }
  params.push({ name: "received", value: source.remote.address });
  if (wantsRport) params.push({ name: "rport", value: String(source.remote.port) });
  const lines = request.headerValues("via");
  const firstLineCount = countTopLine(lines[0] ?? "");
  let newTop = formatVia({ ...top, params });
  for (let i = 1; i < firstLineCount && i < vias.length; i++) newTop += `, ${formatVia(vias[i] as Via)}`;
  request.removeHeader("via");
  request.addHeader("Via", newTop);
  for (let i = 1; i < lines.length; i++) request.addHeader("Via", lines[i] as string);
}

function countTopLine(line: string): number {
  // Most first lines hold one Via: no comma, nothing to count.
  if (line.indexOf(",") < 0) return 1;
  // parseViaList on the first line alone tells how many Via values it holds.
  try {
    return Math.max(1, parseLine(line));
  } catch {
    return 1;
  }
}

function parseLine(line: string): number {
  let n = 0;
  let inQuote = false;
  for (const ch of line) {
    if (ch === '"') inQuote = !inQuote;
    else if (ch === "," && !inQuote) n++;
  }
  return n + 1;
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/**
 * Where the responses to a request go (RFC 3261 §18.2.2, RFC 3581 §4): back over the same connection
 * for stream transports; for UDP to the source address, and the source port when rport was asked,
 * otherwise the sent-by port (default 5060).
 */
export function responseDestination(request: SipRequest, source: Source): Destination {
  const top = request.via[0];
  if (source.protocol !== "udp") {
    return {
      protocol: source.protocol,
      address: source.remote.address,
      port: source.remote.port,
      ...(source.connectionId === undefined ? {} : { connectionId: source.connectionId }),
      fallbackPort: top?.port ?? (source.protocol === "tls" || source.protocol === "wss" ? 5061 : 5060),
    };
  }
  const port = top?.rport !== undefined ? source.remote.port : (top?.port ?? 5060);
  const protocol = (top && protocolFromVia(top.transport)) ?? "udp";
  return { protocol: protocol === "udp" ? "udp" : source.protocol, address: source.remote.address, port };
}

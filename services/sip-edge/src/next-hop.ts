import type { SipRequestCommand } from "@stox/events";
import { parseNameAddr } from "@stox/sip-parser";
import type { DialogRecord } from "./dialog/dialog-record.js";
import type { EdgeContext } from "./edge-context.js";
import { SipResolveError } from "./errors.js";
import { resolveTarget } from "./resolver.js";
import type { Destination } from "./transport/types.js";

/** RFC 3261 §8.1.2 / §12.2.1.1: first Route (route set or outbound proxy), else the Request-URI. */
export async function nextHops(
  ctx: EdgeContext,
  cmd: Pick<SipRequestCommand, "requestUri">,
  dialog: DialogRecord | undefined,
): Promise<Destination[]> {
  let target: string;
  if (dialog !== undefined) {
    const flow = dialog.flow;
    if (flow !== undefined && ctx.transports.listener(dialog.protocol)?.hasConnection?.(flow.address, flow.port)) {
      return [{ protocol: dialog.protocol, address: flow.address, port: flow.port }];
    }
    const first = dialog.routeSet[0];
    target = first === undefined ? dialog.remoteTarget : parseNameAddr(first).uri.raw;
  } else target = ctx.config.outboundProxy ?? cmd.requestUri;
  const protocols = ctx.transports.protocols;
  const found = await resolveTarget(target, ctx.dns, protocols, dialog?.protocol);
  const usable = found.filter((d) => protocols.includes(d.protocol));
  if (usable.length === 0) throw new SipResolveError(`no usable transport for ${target}`, target);
  return usable;
}

/**
 * RFC 3261 §18.1.1: a request within 200 bytes of the path MTU (1300 bytes when unknown) goes over a
 * congestion-controlled transport; UDP stays as the fallback candidate. The size is estimated from the
 * body and headers of the command plus a margin for what the edge adds.
 */
export function preferStream(ctx: EdgeContext, cmd: SipRequestCommand, candidates: Destination[]): Destination[] {
  const first = candidates[0];
  if (first === undefined || first.protocol !== "udp" || ctx.transports.listener("tcp") === undefined) {
    return candidates;
  }
  let estimate = 400 + cmd.requestUri.length + cmd.from.uri.length + cmd.to.uri.length + (cmd.body?.length ?? 0);
  for (const [name, value] of cmd.headers ?? []) estimate += name.length + value.length + 4;
  if (estimate <= 1300) return candidates;
  return [{ protocol: "tcp", address: first.address, port: first.port }, ...candidates];
}

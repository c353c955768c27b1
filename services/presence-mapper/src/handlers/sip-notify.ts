import { newEventId, nowIso, type SipRequestReceived, type SipResponseCommand } from "@stox/events";
import { GatewayFailure } from "@stox/service-kit";
import { PidfParseError } from "../errors.js";
import { parsePidf } from "../pidf/parse-pidf.js";
import type { PidfDocument } from "../pidf/pidf-model.js";
import { contactUri, headerValue, tokenWithParams } from "../sip/sip-headers.js";
import { type IncomingNotify, onNotify } from "../state/outbound-machine.js";
import type { OutboundRecord } from "../state/outbound-record.js";
import type { SubscriptionStateValue } from "../state/types.js";
import type { MapperContext } from "./context.js";
import { runEffects } from "./effects-runner.js";
import { gruuFor } from "./gruu.js";

function reply(status: number, headers: [string, string][] = []): SipResponseCommand {
  return { v: 1, id: newEventId(), at: nowIso(), ok: true, status, headers };
}

function bodyOf(req: SipRequestReceived): PidfDocument | undefined {
  if (!req.body) return undefined;
  const type = (req.contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/pidf+xml") return undefined; // PRES-GEN-03: only PIDF is asked for
  const text = req.bodyEncoding === "base64" ? Buffer.from(req.body, "base64").toString("utf8") : req.body;
  try {
    return parsePidf(text);
  } catch (err) {
    if (err instanceof PidfParseError)
      throw new GatewayFailure("bad-request", `presence document refused: ${err.message}`, false, { cause: err });
    throw err;
  }
}

function grOf(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  const at = uri.toLowerCase().indexOf(";gr=");
  if (at < 0) return undefined;
  const rest = uri.slice(at + 4);
  const end = [";", "?"].map((c) => rest.indexOf(c)).filter((i) => i >= 0);
  const value = end.length > 0 ? rest.slice(0, Math.min(...end)) : rest;
  try {
    return value ? decodeURIComponent(value) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * NOTIFY inside one of our outbound dialogs (RFC 8048 §5.2, §6.3; RFC 6665 §4.1.3). Answered 200 as soon as
 * the state is committed (PRES-X2S-05); the resulting stanzas go out after the reply. Unknown dialog: 481,
 * except a final `terminated` NOTIFY for a dialog we already closed, which is simply acknowledged
 * (PRES-X2S-15, PRES-TERM-02). Wrong Event: 489.
 */
export async function handleSipNotify(ctx: MapperContext, req: SipRequestReceived): Promise<SipResponseCommand> {
  const event = tokenWithParams(headerValue(req.headers, "event"));
  if (event?.value !== "presence") return reply(489, [["Allow-Events", "presence"]]);
  const ss = tokenWithParams(headerValue(req.headers, "subscription-state"));
  if (!ss || !["pending", "active", "terminated"].includes(ss.value)) {
    throw new GatewayFailure("bad-request", "NOTIFY without a valid Subscription-State");
  }
  const key = req.to.tag ? await ctx.store.findByDialog(req.callId, req.to.tag) : undefined;
  if (!key) return reply(ss.value === "terminated" ? 200 : 481);
  const pidf = bodyOf(req);
  const expires = ss.params.expires !== undefined ? Number.parseInt(ss.params.expires, 10) : undefined;
  const retryAfter = ss.params["retry-after"] !== undefined ? Number.parseInt(ss.params["retry-after"], 10) : undefined;
  const contentLanguage = headerValue(req.headers, "content-language")?.split(",")[0]?.trim();
  const remoteTarget = contactUri(req.headers);
  const contactGr = grOf(remoteTarget);
  const n: IncomingNotify = {
    callId: req.callId,
    ...(req.from.tag ? { remoteTag: req.from.tag } : {}),
    state: ss.value as SubscriptionStateValue,
    ...(expires !== undefined && Number.isFinite(expires) ? { expiresSeconds: expires } : {}),
    ...(ss.params.reason ? { reason: ss.params.reason.toLowerCase() } : {}),
    ...(retryAfter !== undefined && Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
    ...(pidf ? { pidf } : {}),
    ...(contentLanguage ? { contentLanguage } : {}),
    ...(contactGr ? { contactGr } : {}),
    ...(remoteTarget ? { remoteTarget } : {}),
  };
  const t = await ctx.store.mutate<OutboundRecord>(key, (r) =>
    r ? onNotify(r, n, ctx.ids, ctx.clock.now(), ctx.machine) : { record: r, effects: [] },
  );
  if (t.effects.length > 0) ctx.background(() => runEffects(ctx, key, t.effects, gruuFor));
  return reply(200);
}

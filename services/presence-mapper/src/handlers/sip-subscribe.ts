import { fromKvKey, newEventId, nowIso, type SipRequestReceived, type SipResponseCommand } from "@stox/events";
import { GatewayFailure } from "@stox/service-kit";
import { AddressMappingError, type SipAddressRole, sipResponseForUnmappable } from "@stox/stox-core";
import { jidToSipAor, sipUriToBareJid } from "../addresses.js";
import { acceptsPidf, contactUri, deltaSeconds, headerValue, routeSet, tokenWithParams } from "../sip/sip-headers.js";
import {
  newInboundRecord,
  onNewSubscribe,
  onSubscribeInDialog,
  type SubscribeAnswer,
} from "../state/inbound-machine.js";
import { dialogKeyOf, type InboundRecord } from "../state/inbound-record.js";
import type { DialogData, Effect } from "../state/types.js";
import { inboundKey } from "../store/subscription-store.js";
import type { MapperContext } from "./context.js";
import { runEffects } from "./effects-runner.js";
import { gruuFor } from "./gruu.js";

function reply(status: number, headers: [string, string][]): SipResponseCommand {
  return { v: 1, id: newEventId(), at: nowIso(), ok: true, status, headers };
}

function answerToReply(answer: SubscribeAnswer | undefined, dialog: DialogData, toUri: string): SipResponseCommand {
  if (!answer || answer.status === 481) return reply(481, []);
  if (answer.status === 423) return reply(423, [["Min-Expires", String(answer.minExpiresSeconds)]]);
  // PRES-S2X-02: 200 (never 202), Expires <= requested, Contact a GRUU for this dialog; To carries our tag.
  return reply(200, [
    ["Expires", String(answer.expiresSeconds)],
    ["Contact", `<${gruuFor(dialog)}>`],
    ["To", `<${toUri}>;tag=${dialog.localTag}`],
  ]);
}

class Unmappable extends Error {
  constructor(readonly response: SipResponseCommand) {
    super("unmappable address");
  }
}

/** CORE-URI-03/04/07, CORE-SEC-02: the SIP answer for an address with no XMPP form (sips: 416/403, tel:, ...). */
function mapOrRefuse(fn: () => string, role: SipAddressRole): string {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof AddressMappingError)) throw err;
    const r = sipResponseForUnmappable(err.reason, role);
    throw new Unmappable({
      v: 1,
      id: newEventId(),
      at: nowIso(),
      ok: true,
      status: r.status,
      reason: r.reasonPhrase,
      headers: [],
    });
  }
}

/**
 * SUBSCRIBE from a SIP watcher to an XMPP contact (RFC 8048 §5.3, RFC 6665 §4.2.1). Checks (PRES-S2X-01):
 * Event presence else 489, Accept admits PIDF else 406 (not-acceptable), target maps to a JID else 404.
 * Authentication of the watcher is the sip-edge's (CORE-SEC-06).
 */
export async function handleSipSubscribe(ctx: MapperContext, req: SipRequestReceived): Promise<SipResponseCommand> {
  const event = tokenWithParams(headerValue(req.headers, "event"));
  if (event?.value !== "presence") return reply(489, [["Allow-Events", "presence"]]);
  if (!acceptsPidf(req.headers))
    throw new GatewayFailure("not-acceptable", "the watcher does not accept application/pidf+xml");
  let contactJid: string;
  let watcherJid: string;
  try {
    // In a dialog the Request-URI is our own Contact; only a new dialog's target is checked.
    if (!req.to.tag) mapOrRefuse(() => sipUriToBareJid(req.requestUri), "request-uri");
    contactJid = mapOrRefuse(() => sipUriToBareJid(req.to.uri), "to");
    watcherJid = mapOrRefuse(() => sipUriToBareJid(req.from.uri), "from");
  } catch (err) {
    if (err instanceof Unmappable) return err.response;
    throw err;
  }
  const watcherDomain = watcherJid.slice(watcherJid.indexOf("@") + 1);
  if (ctx.sipDomains.length > 0 && !ctx.sipDomains.includes(watcherDomain)) {
    // CORE-ARCH-02: S2X translates only for users of the home SIP domains.
    throw new GatewayFailure("forbidden", "the watcher is not in a home SIP domain");
  }
  const parties = { watcherJid, watcherUri: jidToSipAor(watcherJid), contactJid, contactUri: jidToSipAor(contactJid) };
  const now = ctx.clock.now();
  const requestedExpires = deltaSeconds(req.headers, "expires");
  let key: string;
  let dialog: DialogData;
  let result: { answer?: SubscribeAnswer; effects: readonly Effect[] };
  if (req.to.tag) {
    const found = await ctx.store.findByDialog(req.callId, req.to.tag);
    if (!found) return reply(481, []);
    key = found;
    let seen: DialogData | undefined;
    result = await ctx.store.mutate<InboundRecord>(key, (r) => {
      if (!r) return { record: r, effects: [], answer: { status: 481 } };
      seen = r.dialogs[`${req.callId} ${req.to.tag}`];
      return onSubscribeInDialog(
        r,
        dialogKeyOf({ callId: req.callId, localTag: req.to.tag as string }),
        requestedExpires,
        now,
        ctx.machine,
      );
    });
    if (!seen) return reply(481, []);
    dialog = seen;
  } else {
    key = inboundKey(parties.watcherUri, contactJid);
    dialog = {
      callId: req.callId,
      // The sip-edge picks the To-tag and tells us the dialog id it will have (Call-ID, its tag, their tag):
      // use its tag so in-dialog refreshes find the record; without an edge id, pick one ourselves.
      localTag: (req.dialogId ? fromKvKey(req.dialogId)[1] : undefined) || ctx.ids.newTag(),
      ...(req.from.tag ? { remoteTag: req.from.tag } : {}),
      localUri: parties.contactUri,
      remoteUri: req.from.uri,
      remoteTarget: contactUri(req.headers) ?? req.from.uri,
      routeSet: routeSet(req.headers, false),
      localCseq: 0,
      ...(req.dialogId ? { edgeDialogId: req.dialogId } : {}),
    };
    const d = dialog;
    result = await ctx.store.mutate<InboundRecord>(key, (r) =>
      onNewSubscribe(r ?? newInboundRecord(parties), { dialog: d, requestedExpires }, now, ctx.machine),
    );
  }
  // RFC 6665 §4.2.1.2: the NOTIFY goes right after the 200, so effects run once the reply is out.
  const effects = result.effects;
  if (effects.length > 0) ctx.background(() => runEffects(ctx, key, effects, gruuFor));
  return answerToReply(result.answer, dialog, req.to.uri);
}

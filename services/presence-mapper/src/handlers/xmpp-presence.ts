import { newEventId, nowIso, type XmppStanzaReceived, type XmppStanzaReply } from "@stox/events";
import { GatewayFailure } from "@stox/service-kit";
import { jidToSipAor, splitJid } from "../addresses.js";
import {
  newInboundRecord,
  onContactError,
  onContactPresence,
  onContactSubscribed,
  onContactUnsubscribed,
} from "../state/inbound-machine.js";
import type { InboundRecord } from "../state/inbound-record.js";
import { onUserProbe, onUserSession, onUserSubscribe, onUserUnsubscribe } from "../state/outbound-machine.js";
import type { OutboundRecord } from "../state/outbound-record.js";
import type { Effect, Transition } from "../state/types.js";
import { inboundKey, outboundKey, type SubscriptionRecord } from "../store/subscription-store.js";
import { readPresenceInfo, readStanzaError } from "../xmpp-presence.js";
import type { MapperContext } from "./context.js";
import { runEffects } from "./effects-runner.js";
import { gruuFor } from "./gruu.js";

function ok(): XmppStanzaReply {
  return { v: 1, id: newEventId(), at: nowIso(), ok: true };
}

function parse(jid: string | undefined, what: string) {
  if (!jid) throw new GatewayFailure("bad-request", `presence without ${what}`);
  try {
    return splitJid(jid);
  } catch (err) {
    throw new GatewayFailure("bad-request", `${what} is not a valid JID`, false, { cause: err });
  }
}

/**
 * A presence stanza from an XMPP user to a SIP contact (RFC 8048 §5.2, §6.2, §7.1). Subscription types act
 * on the pair's records; available/unavailable go into the contact's inbound dialogs as NOTIFYs
 * (PRES-GEN-01, PRES-NTF-01). Replied ok once the state change is committed; SIP outcomes come back to the
 * XMPP user as presence (subscribed, unsubscribed, error), which is how RFC 8048 reports them.
 */
export async function handleXmppPresence(ctx: MapperContext, event: XmppStanzaReceived): Promise<XmppStanzaReply> {
  const stanza = event.stanza;
  const from = parse(stanza.attrs.from, "from");
  const to = parse(stanza.attrs.to, "to");
  let sipContact: string;
  let xmppUserUri: string;
  try {
    sipContact = jidToSipAor(to.bare);
    xmppUserUri = jidToSipAor(from.bare);
  } catch (err) {
    throw new GatewayFailure("not-found", "address has no SIP equivalent", false, { cause: err });
  }
  const fromDomain = from.bare.slice(from.bare.indexOf("@") + 1);
  if (ctx.xmppDomains.length > 0 && !ctx.xmppDomains.includes(fromDomain)) {
    // PRES-SEC-02 (RFC 8048 §8.1): the X2S serves only its own domain's users.
    throw new GatewayFailure("forbidden", "this gateway serves other XMPP domains");
  }
  const now = ctx.clock.now();
  const type = stanza.attrs.type;
  const outParties = { userJid: from.bare, userUri: xmppUserUri, contactJid: to.bare, contactUri: sipContact };
  const inParties = { watcherJid: to.bare, watcherUri: sipContact, contactJid: from.bare, contactUri: xmppUserUri };
  const outKey = outboundKey(from.bare, sipContact);
  const inKey = inboundKey(sipContact, from.bare);
  const onOut = (step: (r: OutboundRecord | undefined) => Transition<OutboundRecord>) => apply(ctx, outKey, step);
  const onIn = (step: (r: InboundRecord) => Transition<InboundRecord>, create = false) =>
    apply<InboundRecord>(ctx, inKey, (r) =>
      r ? step(r) : create ? step(newInboundRecord(inParties)) : { record: r, effects: [] },
    );
  switch (type) {
    case "subscribe":
      await onOut((r) => onUserSubscribe(r, outParties, ctx.ids, now, ctx.machine));
      break;
    case "unsubscribe":
      await onOut((r) => onUserUnsubscribe(r, now));
      break;
    case "probe":
      await onOut((r) => onUserProbe(r, outParties, stanza.attrs.from as string, ctx.ids, now, ctx.machine));
      break;
    case "subscribed":
      await onIn((r) => onContactSubscribed(r, now, ctx.machine), true);
      break;
    case "unsubscribed":
      await onIn((r) => onContactUnsubscribed(r, now));
      break;
    case "error":
      await onIn((r) => onContactError(r, readStanzaError(stanza)?.condition ?? "undefined-condition", now));
      break;
    case undefined:
    case "unavailable":
      // PRES-NTF-01: only these are notifications; bare-JID presence is stored under the empty resource.
      {
        const t = await onIn(
          (r) => onContactPresence(r, from.resource ?? "", readPresenceInfo(stanza), now, ctx.machine),
          true,
        );
        // PRES-STATE-06: the same broadcast tells whether A still has a presence session (for A's own
        // subscription to B, which is refreshed only while A is online).
        const isOnline = Object.values(t.record?.resources ?? {}).some((info) => info.isAvailable);
        await apply<OutboundRecord>(ctx, outKey, (r) =>
          r ? onUserSession(r, isOnline, ctx.ids, now, ctx.machine) : { record: r, effects: [] },
        );
      }
      break;
    default:
      throw new GatewayFailure("bad-request", `presence type ${type} is not defined`);
  }
  return ok();
}

async function apply<R extends SubscriptionRecord>(
  ctx: MapperContext,
  key: string,
  step: (r: R | undefined) => Transition<R>,
) {
  const t = await ctx.store.mutate<R>(key, step);
  const effects: readonly Effect[] = t.effects;
  if (effects.length > 0) ctx.background(() => runEffects(ctx, key, effects, gruuFor));
  return t;
}

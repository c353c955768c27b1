// The shared set-up of the Prosody interop tests (component.int, s2s.int, s2s-tls.int): a private NATS (so
// other suites' mappers on the shared server cannot answer our requests), a Prosody with user juliet, the edge
// under test, a stand-in mapper that records and accepts every inbound message/presence, and juliet online.
import { type Bus, connectNatsBus } from "@stox/bus";
import {
  newEventId,
  nowIso,
  type XmlElement,
  type XmppStanzaReceived,
  xmppOutSubject,
  xmppSendResultCodec,
  xmppStanzaCommandCodec,
  xmppStanzaReceivedCodec,
  xmppStanzaReplyCodec,
} from "@stox/events";
import {
  cleanup,
  type Element,
  freePort,
  makeTestCa,
  makeTestCertificates,
  type ProsodyHandle,
  type StartProsodyOptions,
  startNats,
  startProsody,
  waitUntil,
  type XmppTestClient,
  xml,
  xmppClient,
} from "@stox/test-harness";
import { expect } from "vitest";
import type { S2sTarget } from "../../src/s2s/s2s-resolver.js";
import { type S2sFixture, startS2sEdge } from "./s2s-fixture.js";

export const DOMAIN = "localhost";
export const GATEWAY = "sip.localhost";

export interface InteropOptions<E> {
  /** NATS connection name. */
  readonly name: string;
  /** Prosody options besides the domain and the user juliet. */
  readonly prosody?: Omit<StartProsodyOptions, "domain" | "users">;
  /** Starts the edge under test once Prosody runs; its `stop()` runs first at the end. */
  startEdge(bus: Bus, prosody: ProsodyHandle): Promise<E>;
  /** Juliet's resource; default one chosen by the server. */
  readonly resource?: string;
  /** CA for Prosody's STARTTLS certificate, when it has one. */
  readonly ca?: string;
  /** Queue group of the stand-in mapper; default none. */
  readonly queue?: string;
}

export interface Interop<E> {
  readonly bus: Bus;
  readonly prosody: ProsodyHandle;
  readonly edge: E;
  /** Every inbound message/presence event the stand-in mapper saw, in order. */
  readonly events: readonly XmppStanzaReceived[];
  /** Juliet's current connection (`reconnectJuliet` replaces it). */
  readonly juliet: XmppTestClient;
  reconnectJuliet(): Promise<void>;
  /** The first recorded event matching `predicate`, waiting for it. */
  nextEvent(predicate: (e: XmppStanzaReceived) => boolean, timeoutMs?: number): Promise<XmppStanzaReceived>;
  /** Stops the edge, drains the bus and runs the harness `cleanup()`. */
  stop(): Promise<void>;
}

export async function startInterop<E extends { stop(): Promise<void> }>(
  options: InteropOptions<E>,
): Promise<Interop<E>> {
  let bus: Bus | undefined;
  let edge: E | undefined;
  const stop = async () => {
    await edge?.stop();
    await bus?.drain();
    await cleanup();
  };
  try {
    const nats = await startNats({ isPrivate: true });
    const connected = await connectNatsBus({ url: nats.url, name: options.name });
    bus = connected;
    const prosody = await startProsody({
      ...options.prosody,
      domain: DOMAIN,
      users: [{ user: "juliet", password: "pw" }],
    });
    const started = await options.startEdge(connected, prosody);
    edge = started;
    const events: XmppStanzaReceived[] = [];
    for (const kind of ["message", "presence"] as const) {
      connected.subscribe(
        `stox.v1.xmpp.in.${kind}`,
        (msg) => {
          events.push(xmppStanzaReceivedCodec.decode(msg.data));
          connected.respond(msg, xmppStanzaReplyCodec.encode({ v: 1, id: newEventId(), at: nowIso(), ok: true }));
        },
        options.queue !== undefined ? { queue: options.queue } : {},
      );
    }
    const connectJuliet = () =>
      xmppClient({
        service: prosody.service,
        domain: DOMAIN,
        username: "juliet",
        password: "pw",
        ...(options.resource !== undefined ? { resource: options.resource } : {}),
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
      });
    let juliet = await connectJuliet();
    return {
      bus: connected,
      prosody,
      edge: started,
      events,
      get juliet() {
        return juliet;
      },
      async reconnectJuliet() {
        await juliet.stop();
        juliet = await connectJuliet();
      },
      async nextEvent(predicate, timeoutMs) {
        let found: XmppStanzaReceived | undefined;
        await waitUntil(
          "event on the bus",
          () => {
            found = events.find(predicate);
            return found !== undefined;
          },
          timeoutMs,
        );
        return found as XmppStanzaReceived;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The defined condition of a stanza error, e.g. `service-unavailable`. */
export function errorCondition(stanza: Element): string | undefined {
  return stanza.getChild("error")?.children.find((c): c is Element => typeof c !== "string")?.name;
}

/** Sends a bus command and expects the edge to report it written. */
export async function commandOk(bus: Bus, stanza: XmlElement, timeoutMs: number): Promise<void> {
  const reply = await bus.request(
    xmppOutSubject(stanza.name as "message"),
    xmppStanzaCommandCodec.encode({ v: 1, id: newEventId(), at: nowIso(), stanza }),
    { timeoutMs },
  );
  expect(xmppSendResultCodec.decode(reply.data)).toMatchObject({ ok: true });
}

/**
 * The edge in s2s mode for GATEWAY against Prosody for DOMAIN: Prosody reaches the edge through the harness's
 * static S2S route, the edge reaches Prosody through its injectable resolver. With `tls`, both have
 * certificates from one test CA, TLS is required both ways and Prosody wants certificate authentication
 * (s2s_secure_auth); juliet's client verifies Prosody's STARTTLS with that CA.
 */
export async function startS2sInterop(name: string, options: { tls: boolean }): Promise<Interop<S2sFixture>> {
  const edgePort = await freePort();
  const ca = options.tls ? makeTestCa() : undefined;
  const tls = ca && {
    ca,
    prosody: makeTestCertificates({ commonName: DOMAIN, ca }),
    edge: makeTestCertificates({ commonName: GATEWAY, ca }),
  };
  return startInterop({
    name,
    prosody: {
      s2s: { routes: { [GATEWAY]: edgePort }, ...(tls ? { insecureDomains: [] } : {}) },
      ...(tls
        ? { tls: { ...tls.prosody, caFile: tls.ca.certFile, s2sRequireEncryption: true, s2sSecureAuth: true } }
        : {}),
    },
    ...(tls ? { ca: tls.ca.cert } : {}),
    startEdge: (bus, prosody) => {
      const routes = new Map<string, S2sTarget>([[DOMAIN, { host: "127.0.0.1", port: prosody.s2sPort ?? 0 }]]);
      return startS2sEdge({
        domain: GATEWAY,
        routes,
        bus,
        ...(tls ? { cert: tls.edge, caFile: tls.ca.certFile, requireTls: true } : {}),
        env: { XMPP_EDGE_S2S_PORT: String(edgePort) },
      });
    },
  });
}

/** Juliet messages romeo@GATEWAY over s2s; expects the event on the bus; returns the edge's inbound session. */
export async function expectInboundOverS2s(f: Interop<S2sFixture>, id: string) {
  await f.juliet.send(xml("message", { to: `romeo@${GATEWAY}`, type: "chat", id }, xml("body", {}, "via s2s")));
  const event = await f.nextEvent((e) => e.stanza.attrs.id === id, 10_000);
  expect(event.stream).toEqual({ mode: "s2s", peer: DOMAIN });
  expect(event.stanza.attrs.from).toBe(f.juliet.jid);
  return f.edge.edge.s2s?.node.inboundSessions.find((s) => s.peer === DOMAIN);
}

/** A bus command from romeo@GATEWAY reaches juliet through the gateway's outgoing s2s stream. */
export async function expectCommandReachesJuliet(f: Interop<S2sFixture>): Promise<void> {
  await commandOk(
    f.bus,
    {
      name: "message",
      attrs: { from: `romeo@${GATEWAY}`, to: f.juliet.jid, type: "chat" },
      children: [{ name: "body", attrs: {}, children: ["hello from the gateway"] }],
    },
    10_000,
  );
  const got = await f.juliet.waitForMessage({ from: `romeo@${GATEWAY}`, timeoutMs: 10_000 });
  expect(got.getChildText("body")).toBe("hello from the gateway");
}

/** disco#info to the gateway domain answers as a SIP gateway; an iq to a user nobody handles gets service-unavailable. */
export async function expectDiscoAndServiceUnavailable(f: Interop<S2sFixture>, idPrefix: string): Promise<void> {
  const disco = xml("query", { xmlns: "http://jabber.org/protocol/disco#info" });
  await f.juliet.send(xml("iq", { to: GATEWAY, type: "get", id: `${idPrefix}-d1` }, disco));
  const info = await f.juliet.waitForStanza((s) => s.attrs.id === `${idPrefix}-d1`, 10_000);
  expect(info.attrs.type).toBe("result");
  expect(info.getChild("query")?.getChild("identity")?.attrs).toMatchObject({ category: "gateway", type: "sip" });
  const vcard = xml("vCard", { xmlns: "vcard-temp" });
  await f.juliet.send(xml("iq", { to: `romeo@${GATEWAY}`, type: "get", id: `${idPrefix}-u1` }, vcard));
  const error = await f.juliet.waitForStanza((s) => s.attrs.id === `${idPrefix}-u1`, 10_000);
  expect(errorCondition(error)).toBe("service-unavailable");
}

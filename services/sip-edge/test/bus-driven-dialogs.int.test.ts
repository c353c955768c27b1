import { type Bus, connectNatsBus } from "@stox/bus";
import {
  newEventId,
  nowIso,
  SIP_OUT_REQUEST,
  type SipRequestCommand,
  type SipResponseReceived,
  sipRequestCommandCodec,
  sipResponseReceivedCodec,
} from "@stox/events";
import { type NatsHandle, startNats } from "@stox/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config.js";
import { SipEdge } from "../src/edge.js";
import { type MapperStub, startMapperStub } from "./mapper-stub.js";
import { runSipp, startSippUas } from "./sipp.js";

function config() {
  return defaultConfig({
    transports: [
      { protocol: "udp", address: "127.0.0.1", port: 0 },
      { protocol: "tcp", address: "127.0.0.1", port: 0 },
    ],
    mapperTimeoutMs: 3000,
  });
}

async function send(bus: Bus, cmd: Omit<SipRequestCommand, "v" | "id" | "at">): Promise<SipResponseReceived> {
  const full: SipRequestCommand = { v: 1, id: newEventId(), at: nowIso(), ...cmd };
  const reply = await bus.request(SIP_OUT_REQUEST, sipRequestCommandCodec.encode(full), { timeoutMs: 9000 });
  return sipResponseReceivedCodec.decode(reply.data);
}

describe("dialogs driven from the bus (sipp as the remote party, real NATS)", () => {
  let nats: NatsHandle;
  const buses: Bus[] = [];
  let mapper: MapperStub;
  let mapperBus: Bus;
  let edgeA: SipEdge | undefined;
  let edgeB: SipEdge | undefined;

  beforeAll(async () => {
    nats = await startNats({ isPrivate: true });
    mapperBus = await connectNatsBus({ url: nats.url, name: "mapper" });
  });

  afterAll(async () => {
    mapper?.stop();
    await edgeA?.stop();
    await edgeB?.stop();
    for (const b of buses) await b.drain();
    await mapperBus?.drain();
    await nats?.stop();
  });

  const busOf = new Map<SipEdge, Bus>();

  async function startEdge(): Promise<SipEdge> {
    const bus = await connectNatsBus({ url: nats.url, name: "sip-edge" });
    buses.push(bus);
    const edge = await SipEdge.start({ bus, config: config() });
    busOf.set(edge, bus);
    return edge;
  }

  // Over TCP, sipp ends the call when the connection it came on closes, so the instance that made the
  // dialog stays up there and the BYE reuses the connection; over UDP the creator is stopped first.
  it.each([
    ["udp", true],
    ["tcp", false],
  ] as const)(
    "INVITE from the bus gets 200 and an ACK, then a BYE built from the KV dialog (%s; creating instance stopped first: %s; CORE-ARCH-07)",
    async (t, isCreatorStopped) => {
      edgeA = await startEdge();
      const uas = await startSippUas({
        scenario: isCreatorStopped ? "uas-invite-bye-elsewhere-answer-200.xml" : "uas-invite-answer-200.xml",
        transport: t,
      });
      const sippPort = uas.port;
      const uri = `sip:sipp@127.0.0.1:${sippPort}${t === "tcp" ? ";transport=tcp" : ""}`;
      const answer = await send(mapperBus, {
        method: "INVITE",
        requestUri: uri,
        from: { uri: "sip:romeo@gw.example" },
        to: { uri },
        contentType: "application/sdp",
        body: "v=0\r\no=gw 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n",
      });
      expect(answer.ok && answer.status).toBe(200);
      const dialogId = answer.ok ? answer.dialogId : undefined;
      expect(dialogId).toBeDefined();
      let survivor = edgeA;
      if (isCreatorStopped) {
        // Instance B joins only now, and A goes away: the dialog must come from the bus KV.
        edgeB = await startEdge();
        // A round trip on B's connection: the server handles a connection's messages in order, so B's
        // subscriptions are in place once this answers.
        await edgeB.dialogs.get("probe");
        await edgeA.stop();
        // The instance is gone, connection and all: without the drain its UNSUB may still be on the way to
        // the server, which could route the BYE to the stopped instance.
        await busOf.get(edgeA)?.drain();
        edgeA = undefined;
        survivor = edgeB;
      }
      const bye = await send(mapperBus, {
        method: "BYE",
        requestUri: uri,
        from: { uri: "sip:romeo@gw.example" },
        to: { uri },
        dialogId: dialogId ?? "",
      });
      expect(bye.ok && bye.status).toBe(200);
      const run = await uas.done;
      expect(run.code, run.log).toBe(0);
      expect(await survivor.dialogs.get(dialogId ?? "")).toBeUndefined();
      await edgeA?.stop();
      await edgeB?.stop();
      edgeA = undefined;
      edgeB = undefined;
    },
  );

  it.each(["udp", "tcp"] as const)(
    "SUBSCRIBE answered via the bus, then the mapper's NOTIFY goes out in the dialog (%s)",
    async (t) => {
      edgeA = await startEdge();
      const notifies: SipResponseReceived[] = [];
      const pending: Promise<void>[] = [];
      mapper = startMapperStub(mapperBus, (ev) => {
        if (ev.method !== "SUBSCRIBE") return undefined;
        // Answer first, then NOTIFY in the dialog whose id the request event announced.
        pending.push(
          new Promise((r) => setTimeout(r, 100)).then(async () => {
            notifies.push(
              await send(mapperBus, {
                method: "NOTIFY",
                requestUri: "sip:ignored@invalid",
                from: { uri: "sip:ignored@invalid" },
                to: { uri: "sip:ignored@invalid" },
                dialogId: ev.dialogId ?? "",
                headers: [
                  ["Event", "presence"],
                  ["Subscription-State", "active;expires=600"],
                ],
                contentType: "application/pidf+xml",
                body: '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:gw@example"/>',
              }),
            );
          }),
        );
        return { status: 200, headers: [["Expires", "600"]] };
      });
      try {
        const run = await runSipp({
          scenario: "uac-subscribe-expect-200.xml",
          transport: t,
          remotePort: edgeA.address(t)?.port ?? 0,
        });
        expect(run.code, run.log).toBe(0);
        await Promise.all(pending);
        expect(notifies).toHaveLength(1);
        expect(notifies[0]?.ok && notifies[0].status).toBe(200);
        const sub = mapper.seen.find((e) => e.method === "SUBSCRIBE");
        const stored = await edgeA.dialogs.get(sub?.dialogId ?? "");
        expect(stored?.record.usage).toBe("subscribe");
      } finally {
        mapper.stop();
        await edgeA.stop();
        edgeA = undefined;
      }
    },
  );
});

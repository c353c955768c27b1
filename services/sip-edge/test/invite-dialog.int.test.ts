import { type Bus, connectNatsBus } from "@stox/bus";
import { type NatsHandle, startNats } from "@stox/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config.js";
import { SipEdge } from "../src/edge.js";
import { type MapperStub, startMapperStub } from "./mapper-stub.js";
import { runSipp } from "./sipp.js";

const SDP = "v=0\r\no=gw 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

function listen() {
  return defaultConfig({
    transports: [
      { protocol: "udp", address: "127.0.0.1", port: 0 },
      { protocol: "tcp", address: "127.0.0.1", port: 0 },
    ],
    mapperTimeoutMs: 2000,
  });
}

describe("INVITE/ACK/BYE dialog across two sip-edge instances (RFC 3261 §12, §13, §15; dialogs in the bus KV)", () => {
  let nats: NatsHandle;
  const buses: Bus[] = [];
  let edgeA: SipEdge;
  let edgeB: SipEdge;
  let mapper: MapperStub;

  beforeAll(async () => {
    nats = await startNats({ isPrivate: true });
    for (const name of ["sip-edge-a", "sip-edge-b", "mapper"])
      buses.push(await connectNatsBus({ url: nats.url, name }));
    edgeA = await SipEdge.start({ bus: buses[0] as Bus, config: listen() });
    edgeB = await SipEdge.start({ bus: buses[1] as Bus, config: listen() });
    mapper = startMapperStub(buses[2] as Bus, (ev) => {
      if (ev.method === "INVITE") return { status: 200, contentType: "application/sdp", body: SDP };
      if (ev.method === "BYE") return { status: 200 };
      return undefined;
    });
  });

  afterAll(async () => {
    mapper?.stop();
    await edgeA?.stop();
    await edgeB?.stop();
    for (const b of buses) await b.drain();
    await nats?.stop();
  });

  it.each(["udp", "tcp"] as const)(
    "sipp INVITE answered via the bus on instance A, BYE handled by instance B from the KV dialog (%s, CORE-ARCH-07)",
    async (t) => {
      mapper.seen.length = 0;
      const run = await runSipp({
        scenario: "uac-invite-expect-200.xml",
        transport: t,
        isMultiSocket: true,
        remotePort: edgeA.address(t)?.port ?? 0,
        extraArgs: ["-set", "edgeb", String(edgeB.address(t)?.port ?? 0)],
      });
      expect(run.code, run.log).toBe(0);
      const invite = await mapper.next("invite");
      const bye = await mapper.next("bye");
      const ack = await mapper.next("ack");
      expect(invite.dialogId).toBeDefined();
      expect(bye.dialogId).toBe(invite.dialogId);
      expect(ack.dialogId).toBe(invite.dialogId);
      expect(invite.transport.local.port).toBe(edgeA.address(t)?.port);
      expect(bye.transport.local.port).toBe(edgeB.address(t)?.port);
      // The BYE's 2xx ended the dialog for every instance.
      expect(await edgeA.dialogs.get(invite.dialogId ?? "")).toBeUndefined();
    },
  );
});

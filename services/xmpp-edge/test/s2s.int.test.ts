// Interop: the edge in s2s mode against a real Prosody 0.12 as the remote server, both directions, over real
// NATS. Prosody dials the gateway through the harness's static S2S route for sip.localhost (the edge's loopback
// port); the edge dials Prosody through its injectable resolver.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectCommandReachesJuliet,
  expectDiscoAndServiceUnavailable,
  expectInboundOverS2s,
  type Interop,
  startS2sInterop,
} from "./support/interop-fixture.js";
import type { S2sFixture } from "./support/s2s-fixture.js";

let f: Interop<S2sFixture>;

beforeAll(async () => {
  f = await startS2sInterop("xmpp-edge-s2s-int", { tls: false });
});

afterAll(() => f?.stop());

describe("xmpp-edge s2s with Prosody as the remote server (RFC 6120, XEP-0220)", () => {
  it("Prosody dials the gateway: a client's message reaches the bus from an s2s stream authenticated by dialback", async () => {
    const session = await expectInboundOverS2s(f, "s2s-in-1");
    expect(session?.authMethod).toBe("dialback");
  });

  it("the gateway dials Prosody: a bus command reaches the client (Prosody verifies our dialback key with us)", async () => {
    await expectCommandReachesJuliet(f);
  });

  it("answers disco#info and returns service-unavailable for an unhandled iq, over s2s", async () => {
    await expectDiscoAndServiceUnavailable(f, "s2s");
  });
});

// Interop with TLS: the edge in s2s mode against Prosody 0.12, both with certificates from one test CA, TLS
// required on both sides and Prosody's s2s_secure_auth on: streams use STARTTLS and certificate
// authentication (SASL EXTERNAL, RFC 6120 §5-6) instead of dialback. Routing as in s2s.int.test.ts; mod_tls
// makes Prosody offer STARTTLS on c2s too, and juliet's client verifies it with the test CA.
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
  f = await startS2sInterop("xmpp-edge-s2s-tls-int", { tls: true });
});

afterAll(() => f?.stop());

describe("xmpp-edge s2s with Prosody over TLS with certificate authentication (RFC 6120 §5, §6, §13.7)", () => {
  it("Prosody dials the gateway over STARTTLS and authenticates with its certificate (SASL EXTERNAL)", async () => {
    const session = await expectInboundOverS2s(f, "tls-in-1");
    expect(session?.isSecure).toBe(true);
    expect(session?.authMethod).toBe("sasl-external");
  });

  it("the gateway dials Prosody over STARTTLS: a bus command reaches the client", async () => {
    await expectCommandReachesJuliet(f);
  });

  it("answers disco#info and returns service-unavailable for an unhandled iq, over s2s", async () => {
    await expectDiscoAndServiceUnavailable(f, "tls");
  });
});

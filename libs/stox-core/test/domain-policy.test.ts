import { describe, expect, it } from "vitest";
import {
  admitSipRequest,
  admitStanza,
  checkS2SStanza,
  createDomainPolicy,
  createLoopGuard,
  type DomainPolicyConfig,
  DomainPolicyConfigError,
  decideForeignProtocol,
  formatAddressUri,
  formatJid,
  isMixedScript,
} from "../src/index.js";

const BASE: DomainPolicyConfig = {
  sipDomains: ["sip.test", "Tel.Sip.Test"],
  xmppDomains: ["xmpp.test", "bücher.test"],
  gatewayDomains: { sip: ["gw.sip.test"], xmpp: ["gw.xmpp.test"] },
  staticRoutes: { "legacy.example": "sip", "chat.example": "xmpp" },
};
const policy = createDomainPolicy(BASE);

describe("domain policy configuration", () => {
  it("classifies home, gateway and foreign domains in any spelling (CORE-DOM-04)", () => {
    expect(policy.roleOf("SIP.TEST.")).toBe("sip-home");
    expect(policy.roleOf("xn--bcher-kva.test")).toBe("xmpp-home");
    expect(policy.roleOf("tel.sip.test")).toBe("sip-home");
    expect(policy.roleOf("gw.xmpp.test")).toBe("xmpp-gateway");
    expect(policy.roleOf("gw.sip.test")).toBe("sip-gateway");
    expect(policy.roleOf("elsewhere.example")).toBe("foreign");
    expect(policy.roleOf("bad_domain")).toBe("invalid");
  });

  it("lists what each side of the gateway serves", () => {
    expect(policy.servedOnXmppSide()).toEqual(["sip.test", "tel.sip.test", "gw.xmpp.test"]);
    expect(policy.servedOnSipSide()).toEqual(["xmpp.test", "bücher.test", "gw.sip.test"]);
  });

  it.each([
    [{ ...BASE, sipDomains: [] }, /sipDomains: list at least one/],
    [{ ...BASE, xmppDomains: [] }, /xmppDomains: list at least one/],
    [{ ...BASE, xmppDomains: ["SIP.test"] }, /already configured as sip-home/],
    [{ ...BASE, sipDomains: ["192.0.2.1"] }, /IP address/],
    [{ ...BASE, sipDomains: ["bad_domain"] }, /not a valid domain/],
    [{ ...BASE, staticRoutes: { "xmpp.test": "sip" } }, /home or gateway domain/],
    [{ ...BASE, ipLiteralDomains: { "sip.test": "sip.test" } }, /not an IP literal/],
    [{ ...BASE, telDomain: "no_such" }, /telDomain/],
  ] as const)("refuses an inconsistent config (%#)", (config, message) => {
    expect(() => createDomainPolicy(config as DomainPolicyConfig)).toThrow(DomainPolicyConfigError);
    expect(() => createDomainPolicy(config as DomainPolicyConfig)).toThrow(message);
  });
});

describe("CORE-ARCH-04 foreign domain protocol", () => {
  const none = { hasXmppServer: false, hasSipServer: false };
  const both = { hasXmppServer: true, hasSipServer: true };
  it("CORE-ARCH-04: the XMPP side tries _xmpp-server first, the SIP side tries RFC 3263 first", () => {
    expect(decideForeignProtocol(policy, "xmpp", "x.example", both)).toBe("xmpp");
    expect(decideForeignProtocol(policy, "sip", "x.example", both)).toBe("sip");
    expect(decideForeignProtocol(policy, "xmpp", "x.example", { ...none, hasSipServer: true })).toBe("sip");
    expect(decideForeignProtocol(policy, "sip", "x.example", { ...none, hasXmppServer: true })).toBe("xmpp");
  });

  it("CORE-ARCH-04: static routes override discovery; nothing found is unroutable (CORE-DOM-06)", () => {
    expect(decideForeignProtocol(policy, "xmpp", "LEGACY.example", both)).toBe("sip");
    expect(decideForeignProtocol(policy, "sip", "chat.example", none)).toBe("xmpp");
    expect(decideForeignProtocol(policy, "sip", "x.example", none)).toBe("unroutable");
  });
});

describe("S2X admission: SIP request -> XMPP identities", () => {
  const ok = { hop: "trusted", requestUri: "sip:alice@xmpp.test", from: "sip:bob@sip.test" } as const;

  it("CORE-SEC-06: a request over a trusted hop from a home SIP user is admitted", () => {
    const verdict = admitSipRequest(policy, ok);
    expect(verdict.ok).toBe(true);
    if (verdict.ok) {
      expect(formatJid(verdict.sender)).toBe("bob@sip.test");
      expect(formatJid(verdict.target)).toBe("alice@xmpp.test");
      expect(verdict.targetRole).toBe("xmpp-home");
    }
  });

  it("CORE-SEC-06: an untrusted hop is refused with 403", () => {
    expect(admitSipRequest(policy, { ...ok, hop: "untrusted" })).toMatchObject({ ok: false, rule: "CORE-SEC-06" });
  });

  it("CORE-SEC-06: a From outside the home SIP domains is refused with 403 (anti-spoofing)", () => {
    const verdict = admitSipRequest(policy, { ...ok, from: "sip:mallory@xmpp.test" });
    expect(verdict).toMatchObject({ ok: false, rule: "CORE-SEC-06", response: { status: 403 } });
  });

  it("CORE-SEC-08: over a trusted hop the sender is P-Asserted-Identity, never From or its gr", () => {
    const verdict = admitSipRequest(policy, {
      ...ok,
      from: "sip:ceo@sip.test;gr=spoof",
      pAssertedIdentity: "sip:Bob@sip.test",
    });
    expect(verdict.ok && formatJid(verdict.sender)).toBe("bob@sip.test");
  });

  it("CORE-SEC-08: over an authenticated (non-trusted) hop P-Asserted-Identity is ignored", () => {
    const verdict = admitSipRequest(policy, { ...ok, hop: "authenticated", pAssertedIdentity: "sip:ceo@sip.test" });
    expect(verdict.ok && formatJid(verdict.sender)).toBe("bob@sip.test");
  });

  it("CORE-ARCH-02: a foreign SIP sender is refused unless destination-side translation is enabled", () => {
    const foreign = { ...ok, from: "sip:carol@far.example" };
    expect(admitSipRequest(policy, foreign)).toMatchObject({ ok: false, response: { status: 403 } });
    const open = createDomainPolicy({ ...BASE, translateAtDestination: true });
    expect(admitSipRequest(open, foreign).ok).toBe(true);
  });

  it("CORE-SEC-04: no open relay: foreign sender to foreign target is refused even at the destination", () => {
    const open = createDomainPolicy({ ...BASE, translateAtDestination: true });
    const verdict = admitSipRequest(open, { ...ok, from: "sip:carol@far.example", requestUri: "sip:x@other.example" });
    expect(verdict).toMatchObject({ ok: false, rule: "CORE-SEC-04", response: { status: 403 } });
  });

  it("CORE-DOM-06: a home sender may reach a foreign XMPP domain, but not a SIP-routed or home SIP domain", () => {
    expect(admitSipRequest(policy, { ...ok, requestUri: "sip:x@chat.example" })).toMatchObject({
      ok: true,
      targetRole: "foreign",
    });
    expect(admitSipRequest(policy, { ...ok, requestUri: "sip:x@legacy.example" })).toMatchObject({
      ok: false,
      rule: "CORE-DOM-06",
      response: { status: 404 },
    });
    expect(admitSipRequest(policy, { ...ok, requestUri: "sip:x@sip.test" })).toMatchObject({
      response: { status: 404 },
    });
  });

  it("CORE-SEC-02: a sips: Request-URI or To is refused before anything is translated", () => {
    expect(admitSipRequest(policy, { ...ok, requestUri: "sips:alice@xmpp.test" })).toMatchObject({
      ok: false,
      rule: "CORE-URI-04",
      response: { status: 416 },
    });
    expect(admitSipRequest(policy, { ...ok, to: "sips:alice@xmpp.test" })).toMatchObject({ response: { status: 403 } });
    const agreed = createDomainPolicy({ ...BASE, allowSips: true });
    expect(admitSipRequest(agreed, { ...ok, requestUri: "sips:alice@xmpp.test" }).ok).toBe(true);
  });

  it("CORE-URI-03: tel: target is 416, tel: sender is 403; a configured tel domain maps both", () => {
    expect(admitSipRequest(policy, { ...ok, requestUri: "tel:+15550100" })).toMatchObject({
      response: { status: 416 },
    });
    expect(admitSipRequest(policy, { ...ok, from: "tel:+15550100" })).toMatchObject({ response: { status: 403 } });
    const tel = createDomainPolicy({ ...BASE, telDomain: "sip.test" });
    const verdict = admitSipRequest(tel, { ...ok, from: "tel:+15550100" });
    expect(verdict.ok && formatJid(verdict.sender)).toBe("+15550100@sip.test");
  });

  it("CORE-URI-07: an unmappable sender is 400, an unmappable target 404", () => {
    expect(admitSipRequest(policy, { ...ok, from: "sip:%FF@sip.test" })).toMatchObject({ response: { status: 400 } });
    expect(admitSipRequest(policy, { ...ok, requestUri: "sip:%FF@xmpp.test" })).toMatchObject({
      response: { status: 404 },
    });
  });

  it("CORE-CASE-03: the verdict reports when the sender's user part was folded", () => {
    const verdict = admitSipRequest(policy, { ...ok, from: "sip:BOB@sip.test" });
    expect(verdict.ok && verdict.senderFolded).toBe(true);
  });

  it("CORE-SEC-09: mixed-script addresses are refused when the policy asks for it", () => {
    const strict = createDomainPolicy({ ...BASE, refuseMixedScript: true });
    const cyrillicA = "sip:%D0%B0lice@sip.test"; // Cyrillic а + Latin lice
    expect(admitSipRequest(policy, { ...ok, from: cyrillicA }).ok).toBe(true);
    expect(admitSipRequest(strict, { ...ok, from: cyrillicA })).toMatchObject({ ok: false, rule: "CORE-SEC-09" });
  });
});

describe("X2S admission: stanza -> SIP identities", () => {
  const ok = { linkAuthenticated: true, from: "alice@xmpp.test/pc", to: "bob@sip.test" };

  it("CORE-SEC-07: a stanza from a home XMPP user over an authenticated link is admitted, resource as gr", () => {
    const verdict = admitStanza(policy, ok);
    expect(verdict.ok).toBe(true);
    if (verdict.ok) {
      expect(formatAddressUri(verdict.sender)).toBe("sip:alice@xmpp.test;gr=pc");
      expect(formatAddressUri(verdict.target)).toBe("sip:bob@sip.test");
    }
  });

  it("CORE-SEC-07: an unauthenticated link gets <forbidden/> (auth)", () => {
    const verdict = admitStanza(policy, { ...ok, linkAuthenticated: false });
    expect(verdict).toMatchObject({ ok: false, rule: "CORE-SEC-07", error: { condition: "forbidden", type: "auth" } });
  });

  it("CORE-SEC-07: a from outside the home XMPP domains gets <forbidden/> (anti-spoofing)", () => {
    expect(admitStanza(policy, { ...ok, from: "mallory@sip.test" })).toMatchObject({
      ok: false,
      error: { condition: "forbidden" },
    });
  });

  it("CORE-SEC-08: the SIP sender is built from the stanza's from only (IDN domain in A-labels)", () => {
    const verdict = admitStanza(policy, { ...ok, from: "Zoë@Bücher.test" });
    expect(verdict.ok && formatAddressUri(verdict.sender)).toBe("sip:zo%C3%AB@xn--bcher-kva.test");
  });

  it("CORE-ARCH-02: foreign XMPP senders are translated only at the destination when enabled", () => {
    const foreign = { ...ok, from: "carol@far.example" };
    expect(admitStanza(policy, foreign).ok).toBe(false);
    expect(admitStanza(createDomainPolicy({ ...BASE, translateAtDestination: true }), foreign).ok).toBe(true);
  });

  it("CORE-SEC-04: foreign sender to foreign target is refused", () => {
    const open = createDomainPolicy({ ...BASE, translateAtDestination: true });
    expect(admitStanza(open, { ...ok, from: "carol@far.example", to: "x@other.example" })).toMatchObject({
      ok: false,
      rule: "CORE-SEC-04",
    });
  });

  it("CORE-DOM-06: targets in home XMPP or XMPP-routed domains are unroutable over SIP", () => {
    expect(admitStanza(policy, { ...ok, to: "x@xmpp.test" })).toMatchObject({
      rule: "CORE-DOM-06",
      error: { condition: "remote-server-not-found", type: "cancel" },
    });
    expect(admitStanza(policy, { ...ok, to: "x@chat.example" })).toMatchObject({ rule: "CORE-DOM-06" });
    expect(admitStanza(policy, { ...ok, to: "x@legacy.example" })).toMatchObject({ ok: true, targetRole: "foreign" });
  });

  it("CORE-URI-07: malformed JIDs get <jid-malformed/> (modify)", () => {
    expect(admitStanza(policy, { ...ok, to: "a b@sip.test" })).toMatchObject({
      error: { condition: "jid-malformed", type: "modify" },
    });
    expect(admitStanza(policy, { ...ok, to: "sip.test" })).toMatchObject({ error: { condition: "jid-malformed" } });
  });

  it("CORE-ADDR-24: the caller may pick im:/pres: for the target", () => {
    const verdict = admitStanza(policy, { ...ok, to: "bob@sip.test/x", scheme: "im" });
    expect(verdict.ok && formatAddressUri(verdict.target)).toBe("im:bob@sip.test");
  });
});

describe("s2s stanza address checks", () => {
  it("CORE-SEC-05: from must be an authenticated domain (invalid-from), to a served one (host-unknown)", () => {
    const stanza = { from: "juliet@far.example/balcony", to: "bob@sip.test" };
    expect(checkS2SStanza(policy, stanza, ["FAR.example"])).toEqual({ ok: true });
    expect(checkS2SStanza(policy, stanza, ["other.example"])).toEqual({ ok: false, streamError: "invalid-from" });
    expect(checkS2SStanza(policy, { ...stanza, to: "alice@xmpp.test" }, ["far.example"])).toEqual({
      ok: false,
      streamError: "host-unknown",
    });
    expect(checkS2SStanza(policy, { ...stanza, to: "gw.xmpp.test" }, ["far.example"]).ok).toBe(true);
  });
});

describe("loop defence and confusables", () => {
  it("CORE-SEC-04: the gateway recognises the Via branches and stanza ids it generated", () => {
    const guard = createLoopGuard("stox1");
    const branch = guard.viaBranch("abc");
    expect(branch.startsWith("z9hG4bK")).toBe(true);
    expect(guard.isOwnRequest(["z9hG4bKother", branch])).toBe(true);
    expect(guard.isOwnRequest(["z9hG4bKother"])).toBe(false);
    expect(guard.isOwnStanza(guard.stanzaId("42"))).toBe(true);
    expect(guard.isOwnStanza("x-42")).toBe(false);
    expect(guard.isOwnStanza(undefined)).toBe(false);
    expect(() => createLoopGuard("a-b")).toThrow(DomainPolicyConfigError);
  });

  it("CORE-ARCH-01: X2S and S2X are separate functions, and a peer gateway's traffic is never re-translated", () => {
    const ours = createLoopGuard("stox1");
    const stanza = { linkAuthenticated: true, from: "alice@xmpp.test", to: "bob@sip.test" };
    expect(admitStanza(policy, stanza).ok).toBe(true);
    expect(
      admitSipRequest(policy, { hop: "trusted", requestUri: "sip:alice@xmpp.test", from: "sip:bob@sip.test" }).ok,
    ).toBe(true);
    expect(ours.isOwnRequest([ours.viaBranch("t1")])).toBe(true);
  });

  it.each([
    ["alice", false],
    ["аlice", true], // Cyrillic а
    ["日本語テキスト", false],
    ["한국어漢字", false],
    ["αβγabc", true],
    ["bob123_-", false],
  ])("CORE-SEC-09: isMixedScript(%s) is %s", (s, expected) => {
    expect(isMixedScript(s)).toBe(expected);
  });
});

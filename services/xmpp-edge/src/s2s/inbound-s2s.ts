import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import { checkServerIdentity, createSecureContext, type TLSSocket, TLSSocket as TlsSocketClass } from "node:tls";
import type { XmlElement } from "@stox/events";
import { escapeXML } from "@xmpp/xml";
import { splitJid } from "../jid.js";
import { NS } from "../xml/namespaces.js";
import { StreamTransport } from "../xml/stream-transport.js";
import { el, textOf } from "../xml/xml-element.js";
import type { XmlGuardLimits } from "../xml/xml-guard.js";
import { isValidDialbackKey } from "./dialback-key.js";
import type { S2sTlsOptions } from "./outbound-s2s.js";

export interface InboundS2sOptions {
  readonly localDomains: readonly string[];
  readonly limits: XmlGuardLimits;
  readonly keepAliveMs: number;
  readonly tls: S2sTlsOptions | undefined;
  /** Offer STARTTLS as required and refuse to authenticate before it (CORE-SEC-01). */
  readonly requireTls: boolean;
  readonly dialbackSecret: string;
  /** A peer that has not authenticated (SASL or dialback) within this is closed with connection-timeout. */
  readonly authTimeoutMs: number;
  /**
   * Receiving-server role of dialback: ask the peer's authoritative server whether `key` is valid
   * (a db:verify on a separate stream). Resolves true when it is.
   */
  verifyDialback(request: {
    readonly localDomain: string;
    readonly remoteDomain: string;
    readonly streamId: string;
    readonly key: string;
  }): Promise<boolean>;
}

export interface InboundS2sEvents {
  /** A stanza from an authenticated peer; `peerDomains` are the domains it proved. */
  onStanza(stanza: XmlElement, session: InboundS2sSession): void;
  onClose(session: InboundS2sSession, error: Error | undefined): void;
}

/**
 * One inbound server-to-server stream (RFC 6120): we answer the header with a stream id and features
 * (STARTTLS when we have a certificate; after TLS, SASL EXTERNAL when the peer's certificate verified for the
 * domain in its header; dialback always), then pass stanzas of authenticated domains on. Dialback requests
 * are handled in both roles: db:result (we ask the peer's server via `verifyDialback`) and db:verify (we are
 * the authoritative server and check the key with our secret).
 */
export class InboundS2sSession {
  readonly transport: StreamTransport;
  /** Domains the peer authenticated on this stream (RFC 6120 §8.1.2.2 checks `from` against these). */
  readonly peerDomains: string[] = [];
  #streamId = "";
  #headerFrom: string | undefined;
  #localDomain: string | undefined;
  #isSecure = false;
  #isCertVerified = false;
  #isSaslDone = false;
  #authMethod: "sasl-external" | "dialback" | undefined;
  #authTimer: NodeJS.Timeout | undefined;

  constructor(
    socket: Socket,
    private readonly options: InboundS2sOptions,
    private readonly events: InboundS2sEvents,
  ) {
    this.transport = new StreamTransport(
      socket,
      { limits: options.limits, keepAliveMs: options.keepAliveMs },
      {
        onStreamStart: (attrs) => this.#onHeader(attrs),
        onElement: (element) => this.#onElement(element),
        onClose: (error) => {
          clearTimeout(this.#authTimer);
          events.onClose(this, error);
        },
      },
    );
    // Unauthenticated streams must not linger (RFC 6120 §13.12 resource exhaustion).
    this.#authTimer = setTimeout(() => {
      if (this.peerDomains.length === 0) this.transport.fail("connection-timeout", "not authenticated in time");
    }, options.authTimeoutMs);
    this.#authTimer.unref();
  }

  get isSecure(): boolean {
    return this.#isSecure;
  }

  /** How the peer first authenticated on this stream. */
  get authMethod(): "sasl-external" | "dialback" | undefined {
    return this.#authMethod;
  }

  /** The primary authenticated peer domain, for the event's `stream.peer`. */
  get peer(): string | undefined {
    return this.peerDomains[0];
  }

  #onHeader(attrs: Readonly<Record<string, string>>): void {
    this.#streamId = randomUUID();
    const to = attrs.to?.toLowerCase();
    const from = attrs.from?.toLowerCase();
    const header = (extra: string) =>
      `<?xml version='1.0'?><stream:stream xmlns='${NS.server}' xmlns:stream='${NS.stream}' xmlns:db='${NS.dialback}' id='${this.#streamId}' version='1.0'${extra}>`;
    // RFC 6120 §4.9.3: wrong namespace, or a `to` we do not serve, is a stream error after our header.
    if (attrs.xmlns !== NS.server) {
      this.transport.writeRaw(header(""));
      this.transport.fail("invalid-namespace", "s2s streams use jabber:server");
      return;
    }
    if (to && !this.options.localDomains.includes(to)) {
      this.transport.writeRaw(header(""));
      this.transport.fail("host-unknown", "not a domain of this gateway");
      return;
    }
    this.#localDomain = to ?? this.options.localDomains[0];
    this.#headerFrom = from;
    const fromAttr = this.#localDomain ? ` from='${escapeXML(this.#localDomain)}'` : "";
    this.transport.writeRaw(header(fromAttr));
    if (attrs.version !== "1.0") return; // pre-1.0 peers get no features (dialback only)
    this.transport.send(this.#features());
  }

  #features(): XmlElement {
    const features: XmlElement[] = [];
    if (!this.#isSecure && this.options.tls) {
      const required = this.options.requireTls ? [el("required")] : [];
      features.push(el("starttls", { xmlns: NS.tls }, ...required));
    }
    if (this.#isSecure && this.#isCertVerified && !this.#isSaslDone) {
      features.push(el("mechanisms", { xmlns: NS.sasl }, el("mechanism", {}, "EXTERNAL")));
    }
    if (this.#isSecure || !this.options.requireTls) features.push(el("dialback", { xmlns: NS.dialbackFeature }));
    return el("stream:features", {}, ...features);
  }

  #onElement(element: XmlElement): void {
    if (element.name === "starttls" && element.attrs.xmlns === NS.tls) {
      this.#startTls();
      return;
    }
    if (element.name === "auth" && element.attrs.xmlns === NS.sasl) {
      this.#onAuth(element);
      return;
    }
    if (element.name === "db:verify") {
      this.#onDialbackVerify(element);
      return;
    }
    if (element.name === "db:result") {
      this.#onDialbackResult(element).catch(() => this.transport.fail("internal-server-error", "dialback failed"));
      return;
    }
    if (this.options.requireTls && !this.#isSecure) {
      this.transport.fail("policy-violation", "STARTTLS is required");
      return;
    }
    if (this.peerDomains.length === 0) {
      // RFC 6120 §4.9.3.12 not-authorized: stanzas before the peer authenticated.
      this.transport.fail("not-authorized", "authenticate first");
      return;
    }
    this.events.onStanza(element, this);
  }

  #startTls(): void {
    const tls = this.options.tls;
    if (!tls || this.#isSecure) {
      this.transport.writeRaw(`<failure xmlns='${NS.tls}'/></stream:stream>`);
      this.transport.destroy();
      return;
    }
    this.transport.send(el("proceed", { xmlns: NS.tls }));
    const secure: TLSSocket = new TlsSocketClass(this.transport.socket, {
      isServer: true,
      secureContext: createSecureContext({ key: tls.key, cert: tls.cert, ...(tls.ca ? { ca: [...tls.ca] } : {}) }),
      requestCert: true,
      // The peer's certificate is checked below; without one (or unverifiable), dialback remains.
      rejectUnauthorized: false,
    });
    this.transport.upgrade(secure);
    secure.once("secure", () => {
      this.#isSecure = true;
      const cert = secure.getPeerCertificate();
      const from = this.#headerFrom;
      this.#isCertVerified =
        isChainVerified(secure) &&
        from !== undefined &&
        cert?.subject !== undefined &&
        checkServerIdentity(from, cert) === undefined;
    });
  }

  #onAuth(element: XmlElement): void {
    const from = this.#headerFrom;
    const mechanism = element.attrs.mechanism;
    const authzid = textOf(element).trim();
    const claimed = authzid === "" || authzid === "=" ? from : Buffer.from(authzid, "base64").toString("utf8");
    // RFC 6120 §13.7.1.2 / RFC 6125: EXTERNAL succeeds only for the domain the verified certificate names.
    if (mechanism !== "EXTERNAL" || !this.#isCertVerified || !from || claimed !== from) {
      this.transport.send(el("failure", { xmlns: NS.sasl }, el("not-authorized")));
      return;
    }
    this.transport.send(el("success", { xmlns: NS.sasl }));
    this.#isSaslDone = true;
    this.#authMethod ??= "sasl-external";
    if (!this.peerDomains.includes(from)) this.peerDomains.push(from);
    this.transport.restart();
  }

  #onDialbackVerify(element: XmlElement): void {
    // Authoritative-server role (XEP-0220 §2.1.2): is this the key we generated for that stream?
    const { from, to, id } = element.attrs;
    const receiving = from ? splitJid(from)?.domain : undefined;
    const originating = to ? splitJid(to)?.domain : undefined;
    const isValid =
      receiving !== undefined &&
      originating !== undefined &&
      id !== undefined &&
      this.options.localDomains.includes(originating) &&
      isValidDialbackKey(this.options.dialbackSecret, receiving, originating, id, textOf(element));
    this.transport.send(el("db:verify", { from: to, to: from, id, type: isValid ? "valid" : "invalid" }));
  }

  async #onDialbackResult(element: XmlElement): Promise<void> {
    // Receiving-server role (XEP-0220 §2.1.2): check the key with the sender's authoritative server.
    if (this.options.requireTls && !this.#isSecure) {
      this.transport.fail("policy-violation", "STARTTLS is required before dialback");
      return;
    }
    const remote = element.attrs.from ? splitJid(element.attrs.from)?.domain : undefined;
    const local = element.attrs.to ? splitJid(element.attrs.to)?.domain : undefined;
    if (!remote || !local || !this.options.localDomains.includes(local)) {
      this.transport.send(el("db:result", { from: local, to: remote, type: "error" }, itemNotFound()));
      return;
    }
    const isValid = await this.options.verifyDialback({
      localDomain: local,
      remoteDomain: remote,
      streamId: this.#streamId,
      key: textOf(element),
    });
    if (isValid && !this.peerDomains.includes(remote)) {
      this.peerDomains.push(remote);
      this.#authMethod ??= "dialback";
    }
    this.transport.send(el("db:result", { from: local, to: remote, type: isValid ? "valid" : "invalid" }));
    if (!isValid) this.transport.fail("not-authorized", "dialback key invalid");
  }
}

function itemNotFound(): XmlElement {
  return el("error", { type: "cancel" }, el("item-not-found", { xmlns: NS.stanzas }));
}

/**
 * Whether the peer's certificate chain verified against our trust anchors. A TLSSocket made by hand (as a
 * STARTTLS upgrade must be) never sets `authorized`: only tls.Server does, from the handle's verifyError().
 * Ask the handle the same question.
 */
function isChainVerified(socket: TLSSocket): boolean {
  const handle = (socket as unknown as { _handle?: { verifyError?: () => Error | null } })._handle;
  if (typeof handle?.verifyError !== "function") return false;
  return handle.verifyError() === null && socket.getPeerCertificate()?.raw !== undefined;
}

import { connect, type Socket } from "node:net";
import { checkServerIdentity, type TLSSocket, connect as tlsConnect } from "node:tls";
import type { XmlElement } from "@stox/events";
import { escapeXML } from "@xmpp/xml";
import { NS } from "../xml/namespaces.js";
import { XmppStreamError } from "../xml/stream-errors.js";
import { StreamTransport } from "../xml/stream-transport.js";
import { child, el, textOf } from "../xml/xml-element.js";
import type { XmlGuardLimits } from "../xml/xml-guard.js";
import { dialbackKey } from "./dialback-key.js";
import type { S2sResolver, S2sTarget } from "./s2s-resolver.js";

/** TLS material for s2s streams (PEM). Without it the edge cannot offer or use STARTTLS. */
export interface S2sTlsOptions {
  readonly key: string;
  readonly cert: string;
  /** Trust anchors for peer certificates; default: Node's bundled roots. */
  readonly ca?: readonly string[];
}

export interface OutboundS2sOptions {
  readonly localDomain: string;
  readonly remoteDomain: string;
  readonly resolver: S2sResolver;
  readonly limits: XmlGuardLimits;
  readonly keepAliveMs: number;
  readonly timeoutMs: number;
  readonly tls: S2sTlsOptions | undefined;
  /** Refuse to authenticate a stream that is not encrypted (CORE-SEC-01 asks for TLS on s2s). */
  readonly requireTls: boolean;
  readonly dialbackSecret: string;
  /** Set to use this stream only to check a dialback key for the peer (XEP-0220 §2.1.2, db:verify). */
  readonly verify?: { readonly streamId: string; readonly key: string };
}

/** How the peer was authenticated on this stream. */
export type S2sAuthMethod = "sasl-external" | "dialback";

type Phase = "features" | "starttls" | "sasl" | "dialback" | "verifying" | "ready" | "closed";

/**
 * One outbound server-to-server stream (RFC 6120): resolve, connect, stream header, STARTTLS when both
 * sides can (§5), then SASL EXTERNAL when the peer's certificate verified and it offers it (§6), else
 * dialback (XEP-0220) with an XEP-0185 key. With `verify` it only asks the peer to check a key.
 */
export class OutboundS2sStream {
  #transport: StreamTransport | undefined;
  #phase: Phase = "features";
  #streamId = "";
  #isSecure = false;
  #isPeerVerified = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #ready: Promise<S2sAuthMethod>;
  #resolveReady!: (method: S2sAuthMethod) => void;
  #rejectReady!: (error: Error) => void;
  #verifyResult: boolean | undefined;
  #onClose: ((error: Error | undefined) => void) | undefined;

  constructor(readonly options: OutboundS2sOptions) {
    this.#ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.#ready.catch(() => undefined);
  }

  /** Resolves once the stream is authenticated (or, with `verify`, once the peer answered). */
  get ready(): Promise<S2sAuthMethod> {
    return this.#ready;
  }

  /** With `verify`: whether the peer said the key is valid. */
  get verifyResult(): boolean | undefined {
    return this.#verifyResult;
  }

  get isReady(): boolean {
    return this.#phase === "ready";
  }

  get isSecure(): boolean {
    return this.#isSecure;
  }

  /** Called once when the stream ends. */
  onClose(listener: (error: Error | undefined) => void): void {
    this.#onClose = listener;
  }

  async start(): Promise<S2sAuthMethod> {
    this.#timer = setTimeout(
      () => this.#abort(new XmppStreamError("connection-timeout", `s2s to ${this.options.remoteDomain} timed out`)),
      this.options.timeoutMs,
    );
    const targets = await this.options.resolver(this.options.remoteDomain).catch(() => []);
    const socket = await connectFirst(targets);
    if (this.#phase === "closed") {
      // Timed out (or closed) while resolving or connecting.
      socket?.destroy();
      return this.#ready;
    }
    if (!socket) {
      this.#abort(
        new XmppStreamError("remote-connection-failed", `no server reachable for ${this.options.remoteDomain}`),
      );
      return this.#ready;
    }
    this.#transport = new StreamTransport(
      socket,
      { limits: this.options.limits, keepAliveMs: this.options.keepAliveMs },
      {
        onStreamStart: (attrs) => {
          this.#streamId = attrs.id ?? "";
        },
        onElement: (element) => this.#onElement(element),
        onClose: (error) => this.#closed(error),
      },
    );
    this.#openStream();
    return this.#ready;
  }

  send(stanza: XmlElement): boolean {
    if (this.#phase !== "ready") return false;
    return this.#transport?.send(stanza) ?? false;
  }

  close(): void {
    this.#transport?.close();
  }

  #openStream(): void {
    const { localDomain, remoteDomain } = this.options;
    // RFC 6120 §4.7: from/to on the initial header; version 1.0 to get stream features; xmlns:db for dialback.
    this.#transport?.writeRaw(
      `<?xml version='1.0'?><stream:stream xmlns='${NS.server}' xmlns:stream='${NS.stream}' xmlns:db='${NS.dialback}' from='${escapeXML(localDomain)}' to='${escapeXML(remoteDomain)}' version='1.0'>`,
    );
  }

  #onElement(element: XmlElement): void {
    switch (this.#phase) {
      case "features":
        if (element.name === "stream:features") this.#onFeatures(element);
        return;
      case "starttls":
        if (element.name === "proceed" && element.attrs.xmlns === NS.tls) this.#upgrade();
        else this.#fail("policy-violation", "STARTTLS refused by the peer");
        return;
      case "sasl":
        this.#onSaslAnswer(element);
        return;
      case "dialback":
        if (element.name === "db:result") this.#onDialbackResult(element);
        return;
      case "verifying":
        if (element.name === "db:verify") {
          this.#verifyResult = element.attrs.type === "valid";
          this.#succeed("dialback");
          this.#transport?.close();
        }
        return;
      default:
        return; // an outbound stream carries no stanzas back (RFC 6120 §2.4: streams are unidirectional)
    }
  }

  #onFeatures(features: XmlElement): void {
    if (child(features, "starttls", NS.tls) && this.options.tls && !this.#isSecure) {
      this.#phase = "starttls";
      this.#transport?.send(el("starttls", { xmlns: NS.tls }));
      return;
    }
    if (this.options.requireTls && !this.#isSecure) {
      this.#fail("policy-violation", "TLS is required but the peer does not offer it");
      return;
    }
    if (this.options.verify) {
      const { streamId, key } = this.options.verify;
      this.#phase = "verifying";
      const { localDomain: from, remoteDomain: to } = this.options;
      this.#transport?.send(el("db:verify", { from, to, id: streamId }, key));
      return;
    }
    const mechanisms = child(features, "mechanisms", NS.sasl);
    const hasExternal = mechanisms?.children.some((m) => typeof m !== "string" && textOf(m) === "EXTERNAL");
    if (this.#isSecure && this.#isPeerVerified && hasExternal) {
      this.#phase = "sasl";
      // RFC 6120 §6.4.2 / RFC 4422 EXTERNAL: the authorization identity is our domain, base64-encoded.
      const authzid = Buffer.from(this.options.localDomain).toString("base64");
      this.#transport?.send(el("auth", { xmlns: NS.sasl, mechanism: "EXTERNAL" }, authzid));
      return;
    }
    this.#startDialback();
  }

  #startDialback(): void {
    this.#phase = "dialback";
    const { localDomain: from, remoteDomain: to, dialbackSecret } = this.options;
    // XEP-0220 §2.1.1: the key binds receiving domain, originating domain and the receiving server's stream id.
    this.#transport?.send(el("db:result", { from, to }, dialbackKey(dialbackSecret, to, from, this.#streamId)));
  }

  #onSaslAnswer(element: XmlElement): void {
    if (element.name === "success" && element.attrs.xmlns === NS.sasl) {
      // RFC 6120 §6.4.6: restart the stream; the new features need no further negotiation.
      this.#transport?.restart();
      this.#succeed("sasl-external");
      this.#openStream();
      return;
    }
    this.#startDialback(); // RFC 6120 §6.4.5: SASL failed; dialback is the remaining method
  }

  #onDialbackResult(element: XmlElement): void {
    if (element.attrs.type === "valid") this.#succeed("dialback");
    else this.#fail("not-authorized", `dialback refused by ${this.options.remoteDomain}`);
  }

  #upgrade(): void {
    const transport = this.#transport;
    const tls = this.options.tls;
    if (!transport || !tls) return;
    const secure: TLSSocket = tlsConnect({
      socket: transport.socket,
      servername: this.options.remoteDomain,
      key: tls.key,
      cert: tls.cert,
      ...(tls.ca ? { ca: [...tls.ca] } : {}),
      // Verified below: an unverifiable certificate still allows dialback (XEP-0220 §1).
      rejectUnauthorized: false,
    });
    transport.upgrade(secure);
    secure.once("secureConnect", () => {
      this.#isSecure = true;
      const cert = secure.getPeerCertificate();
      this.#isPeerVerified = secure.authorized && checkServerIdentity(this.options.remoteDomain, cert) === undefined;
      this.#phase = "features";
      this.#openStream();
    });
  }

  #succeed(method: S2sAuthMethod): void {
    clearTimeout(this.#timer);
    if (this.#phase !== "verifying") this.#phase = "ready";
    this.#resolveReady(method);
  }

  #fail(condition: "policy-violation" | "not-authorized", text: string): void {
    const error = new XmppStreamError(condition, text);
    this.#rejectReady(error);
    this.#transport?.fail(condition, text);
  }

  #abort(error: Error): void {
    this.#rejectReady(error);
    this.#transport?.destroy(error);
    if (!this.#transport) this.#closed(error);
  }

  #closed(error: Error | undefined): void {
    clearTimeout(this.#timer);
    if (this.#phase === "closed") return;
    this.#phase = "closed";
    this.#rejectReady(error ?? new XmppStreamError("remote-connection-failed", "stream closed"));
    this.#onClose?.(error);
  }
}

async function connectFirst(targets: readonly S2sTarget[]): Promise<Socket | undefined> {
  for (const target of targets) {
    const socket = await new Promise<Socket | undefined>((resolve) => {
      const s = connect({ host: target.host, port: target.port });
      s.once("connect", () => resolve(s));
      s.once("error", () => resolve(undefined));
    });
    if (socket) return socket;
  }
  return undefined;
}

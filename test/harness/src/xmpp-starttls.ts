// STARTTLS for a test XMPP client that verifies the server against a test CA. @xmpp/client 0.14 upgrades with
// `tls.connect({ socket, host })` and takes no TLS options, so a client given a CA negotiates STARTTLS itself
// (RFC 6120 §5.4) and checks the server certificate against that CA and the domain; the library's own
// STARTTLS step never sees the offer.
import { once } from "node:events";
import type { Socket } from "node:net";
import { TLSSocket, connect as tlsConnect } from "node:tls";
import { type Client, xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";

const NS_STREAMS = "http://etherx.jabber.org/streams";
const NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";

/** The parts of @xmpp/connection 0.14 used here (not in its type declarations). */
interface ConnectionInternals {
  readonly socket: Socket | null;
  sendReceive(element: Element): Promise<Element>;
  _attachSocket(socket: Socket): void;
  restart(): Promise<void>;
  emit(event: "error", error: unknown): boolean;
  listeners(event: "element"): ((element: Element) => void)[];
  removeAllListeners(event: "element"): void;
  on(event: "element", listener: (element: Element) => void): void;
}

async function upgrade(entity: ConnectionInternals, domain: string, ca: string | readonly string[]): Promise<void> {
  const answer = await entity.sendReceive(xml("starttls", { xmlns: NS_TLS }));
  if (!answer.is("proceed", NS_TLS)) throw new Error(`STARTTLS refused: <${answer.name}/>`);
  const plain = entity.socket;
  if (plain === null) throw new Error("STARTTLS: no socket");
  const secure = tlsConnect({ socket: plain, host: domain, servername: domain, ca: [ca].flat() });
  await once(secure, "secureConnect"); // rejects with the verification error
  // @xmpp/connection reports a stream as secure when its socket says `secure` (as @xmpp/tls's socket does).
  entity._attachSocket(Object.assign(secure, { secure: true }));
  await entity.restart();
}

/**
 * Makes `xmpp` answer a STARTTLS offer itself, verifying the server certificate against `ca` for `domain`.
 * Call before `start()`: wraps the element listeners present now so they never see the offer.
 */
export function verifyStartTlsWith(xmpp: Client, domain: string, ca: string | readonly string[]): void {
  const entity = xmpp as unknown as ConnectionInternals;
  const handlers = entity.listeners("element");
  entity.removeAllListeners("element");
  entity.on("element", (element) => {
    const isOffer = element.is("features", NS_STREAMS) && element.getChild("starttls", NS_TLS) !== undefined;
    if (isOffer && !(entity.socket instanceof TLSSocket)) {
      upgrade(entity, domain, ca).catch((error: unknown) => entity.emit("error", error));
      return;
    }
    for (const handler of handlers) handler.call(entity, element);
  });
}

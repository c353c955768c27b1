import type { XmlElement } from "@stox/events";
import { splitJid } from "../jid.js";
import type { RouteOutcome, StanzaRouter } from "../outbound.js";
import {
  ComponentConnection,
  type ComponentConnectionEvents,
  type ComponentConnectionOptions,
} from "./component-connection.js";

/** One component connection per served domain (a server configures one `Component` per domain). */
export class ComponentPool implements StanzaRouter {
  readonly #connections = new Map<string, ComponentConnection>();

  constructor(
    domains: readonly string[],
    options: Omit<ComponentConnectionOptions, "domain">,
    events: ComponentConnectionEvents,
  ) {
    for (const domain of domains)
      this.#connections.set(domain, new ComponentConnection({ ...options, domain }, events));
  }

  get connections(): readonly ComponentConnection[] {
    return [...this.#connections.values()];
  }

  connection(domain: string): ComponentConnection | undefined {
    return this.#connections.get(domain);
  }

  start(): void {
    for (const c of this.#connections.values()) c.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#connections.values()].map((c) => c.stop()));
  }

  /** Up when every domain's stream is up. */
  isOnline(): boolean {
    return [...this.#connections.values()].every((c) => c.isOnline);
  }

  async route(stanza: XmlElement): Promise<RouteOutcome> {
    const from = stanza.attrs.from ? splitJid(stanza.attrs.from) : undefined;
    const connection = from ? this.#connections.get(from.domain) : undefined;
    if (!connection) return { ok: false, code: "forbidden", message: "no component stream for the sender's domain" };
    if (!connection.send(stanza)) {
      return { ok: false, code: "unavailable", message: `component stream for ${connection.domain} is down` };
    }
    return { ok: true, mode: "component" };
  }
}

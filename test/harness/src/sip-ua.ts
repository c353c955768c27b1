import { randomBytes } from "node:crypto";
import {
  createRequest,
  createResponse,
  generateTag,
  type HeaderInput,
  type SipMessageUnion,
  type SipRequest,
  type SipResponse,
  serializeSipMessage,
} from "@stox/sip-parser";
import { registerCleanup } from "./cleanup.js";
import { HarnessTimeoutError } from "./errors.js";
import { freePort } from "./ports.js";
import { type Inbound, openTcp, openUdp, type SipPeer, type SipUaTransport } from "./sip-ua-transport.js";

export type { SipPeer } from "./sip-ua-transport.js";

export interface SipTestUaOptions {
  /** Default "udp". */
  readonly transport?: "udp" | "tcp";
  /** Local port on 127.0.0.1; default a free one. */
  readonly port?: number;
  /** User part of the UA's own URI (From, Contact). Default "harness". */
  readonly user?: string;
}

export interface SipUaRequestOptions {
  readonly method: string;
  /** Request-URI. */
  readonly uri: string;
  /** Where to send: `{ host, port }` or "host:port". */
  readonly target: SipPeer | string;
  /** From URI; default the UA's own `sip:<user>@127.0.0.1:<port>`. A fresh tag is added. */
  readonly from?: string;
  /** To URI; default the Request-URI. */
  readonly to?: string;
  /** From tag; default a fresh one. Set it (with `toTag`, `callId`, `cseq`) for a request inside a dialog. */
  readonly fromTag?: string;
  /** To tag, for a request inside a dialog (RFC 3261 §12.2.1.1). */
  readonly toTag?: string;
  /** Extra headers (after Via, From, To, Call-ID, CSeq, Max-Forwards, Contact). */
  readonly headers?: HeaderInput;
  readonly body?: string | Uint8Array;
  /** Content-Type for `body`; default text/plain;charset=UTF-8 when a body is given. */
  readonly contentType?: string;
  readonly callId?: string;
  readonly cseq?: number;
  /** Wait for a final response this long (default 5 s), then HarnessTimeoutError. */
  readonly timeoutMs?: number;
  readonly onProvisional?: (response: SipResponse) => void;
  /** INVITE only: send the ACK for the final response (RFC 3261 §17.1.1.3, §13.2.2.4). Default true. */
  readonly autoAck?: boolean;
}

/** What a handler returns: a status (response built with `createResponse`), a response, or nothing (no answer). */
export type SipUaAnswer = SipResponse | number | undefined;
export type SipUaHandler = (
  request: SipRequest,
  ctx: { readonly source: SipPeer },
) => SipUaAnswer | Promise<SipUaAnswer>;

/** A small SIP user agent for tests, over UDP or TCP on 127.0.0.1, built on `@stox/sip-parser`. */
export interface SipTestUa {
  readonly transport: "udp" | "tcp";
  readonly port: number;
  /** `sip:<user>@127.0.0.1:<port>` (with `;transport=tcp` over TCP). */
  readonly uri: string;
  /** Every message received, in order. */
  readonly received: readonly SipMessageUnion[];
  /** Parse failures of received bytes (`SipParseError`s). */
  readonly parseErrors: readonly unknown[];
  /** Sends a request (retransmitted over UDP as RFC 3261 §17.1 timers E/A do) and resolves with the final response. */
  request(options: SipUaRequestOptions): Promise<SipResponse>;
  /** Answers incoming requests (ACK is never answered). Without a handler, requests are only recorded. */
  onRequest(handler: SipUaHandler): void;
  /**
   * Answers a recorded request by hand (when no handler did), on the path it came in: a status number
   * (response built with `createResponse`) or a response. Provisional answers may be followed by a final one.
   */
  respond(request: SipRequest, answer: SipResponse | number): void;
  /** The first recorded request matching `predicate` that no earlier wait returned. */
  waitForRequest(predicate?: (request: SipRequest) => boolean, timeoutMs?: number): Promise<SipRequest>;
  /** Sends bytes as they are (malformed input, hand-written messages). */
  sendRaw(data: string | Buffer, to: SipPeer | string): Promise<void>;
  close(): Promise<void>;
}

const T1_MS = 500;
const T2_MS = 4_000;

function toPeer(target: SipPeer | string): SipPeer {
  if (typeof target !== "string") return target;
  const i = target.lastIndexOf(":");
  return { host: target.slice(0, i), port: Number(target.slice(i + 1)) };
}

function branch(): string {
  return `z9hG4bK-h${randomBytes(6).toString("hex")}`;
}

interface Pending {
  readonly method: string;
  resolve(response: SipResponse): void;
  onProvisional(response: SipResponse): void;
}

/** Opens a SIP test UA; closed by `close()` or `cleanup()`. */
export async function startSipTestUa(options: SipTestUaOptions = {}): Promise<SipTestUa> {
  const transport = options.transport ?? "udp";
  const port = options.port ?? (await freePort());
  const user = options.user ?? "harness";
  const uri = `sip:${user}@127.0.0.1:${port}${transport === "tcp" ? ";transport=tcp" : ""}`;
  const received: SipMessageUnion[] = [];
  const parseErrors: unknown[] = [];
  const consumed = new WeakSet<SipRequest>();
  const waiters = new Set<() => void>();
  const pending = new Map<string, Pending>();
  const answered = new Map<string, Buffer>();
  let handler: SipUaHandler | undefined;
  const paths = new WeakMap<SipRequest, Inbound>();
  const send = (request: SipRequest, inbound: Inbound, answer: SipResponse | number) => {
    const response = typeof answer === "number" ? createResponse(request, answer) : answer;
    const data = serializeSipMessage(response);
    if (response.status >= 200) answered.set(`${request.via[0]?.branch ?? ""} ${request.method}`, data);
    inbound.reply(data);
  };

  const answer = async (request: SipRequest, inbound: Inbound) => {
    const key = `${request.via[0]?.branch ?? ""} ${request.method}`;
    const previous = answered.get(key);
    if (previous !== undefined) return inbound.reply(previous); // a retransmission (RFC 3261 §17.2)
    if (handler === undefined || request.method === "ACK") return;
    const result = await handler(request, { source: inbound.source });
    if (result !== undefined) send(request, inbound, result);
  };
  const onInbound = (inbound: Inbound) => {
    const { message } = inbound;
    received.push(message);
    if (message.isRequest) {
      paths.set(message, inbound);
      for (const wake of [...waiters]) wake();
      answer(message, inbound).catch((err: unknown) => parseErrors.push(err));
      return;
    }
    const key = `${message.via[0]?.branch ?? ""} ${message.cseq.method}`;
    const p = pending.get(key);
    if (p === undefined) return;
    if (message.status < 200) p.onProvisional(message);
    else p.resolve(message);
  };
  const onError = (err: unknown) => parseErrors.push(err);
  const wire: SipUaTransport =
    transport === "udp" ? await openUdp(port, onInbound, onError) : await openTcp(port, onInbound, onError);

  const request = (o: SipUaRequestOptions): Promise<SipResponse> => {
    const to = toPeer(o.target);
    const viaBranch = branch();
    const cseq = o.cseq ?? 1;
    const callId = o.callId ?? `${randomBytes(8).toString("hex")}@127.0.0.1`;
    const body = o.body;
    const headers: [string, string][] = [
      ["Via", `SIP/2.0/${transport.toUpperCase()} 127.0.0.1:${port};branch=${viaBranch};rport`],
      ["Max-Forwards", "70"],
      ["From", `<${o.from ?? uri}>;tag=${o.fromTag ?? generateTag()}`],
      ["To", `<${o.to ?? o.uri}>${o.toTag !== undefined ? `;tag=${o.toTag}` : ""}`],
      ["Call-ID", callId],
      ["CSeq", `${cseq} ${o.method}`],
      ["Contact", `<${uri}>`],
      ...(o.headers ?? []).map(([n, v]) => [n, v] as [string, string]),
    ];
    if (body !== undefined) headers.push(["Content-Type", o.contentType ?? "text/plain;charset=UTF-8"]);
    const req = createRequest({ method: o.method, uri: o.uri, headers, ...(body !== undefined ? { body } : {}) });
    const data = serializeSipMessage(req);
    const key = `${viaBranch} ${o.method}`;
    const timeoutMs = o.timeoutMs ?? 5_000;
    return new Promise<SipResponse>((resolve, reject) => {
      let retransmit: NodeJS.Timeout | undefined;
      let intervalMs = T1_MS;
      const stopRetransmit = () => clearTimeout(retransmit);
      const schedule = () => {
        retransmit = setTimeout(() => {
          wire.send(data, to).catch(() => undefined);
          intervalMs = o.method === "INVITE" ? intervalMs * 2 : Math.min(intervalMs * 2, T2_MS);
          schedule();
        }, intervalMs);
      };
      const timer = setTimeout(() => {
        stopRetransmit();
        pending.delete(key);
        reject(new HarnessTimeoutError(`${o.method} ${o.uri}: no final response within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(key, {
        method: o.method,
        onProvisional: (r) => {
          if (o.method === "INVITE") stopRetransmit(); // RFC 3261 §17.1.1.2
          o.onProvisional?.(r);
        },
        resolve: (r) => {
          stopRetransmit();
          clearTimeout(timer);
          pending.delete(key);
          if (o.method === "INVITE" && o.autoAck !== false) sendAck(req, r, r.status < 300 ? branch() : viaBranch, to);
          resolve(r);
        },
      });
      wire.send(data, to).then(
        () => {
          if (transport === "udp") schedule();
        },
        (err: unknown) => {
          clearTimeout(timer);
          pending.delete(key);
          reject(err);
        },
      );
    });
  };

  // RFC 3261 §17.1.1.3 (non-2xx: same branch) and §13.2.2.4 (2xx: a new transaction).
  const sendAck = (invite: SipRequest, response: SipResponse, ackBranch: string, to: SipPeer) => {
    const ack = createRequest({
      method: "ACK",
      uri: invite.uri,
      headers: [
        ["Via", `SIP/2.0/${transport.toUpperCase()} 127.0.0.1:${port};branch=${ackBranch};rport`],
        ["Max-Forwards", "70"],
        ["From", invite.header("from") as string],
        ["To", response.header("to") as string],
        ["Call-ID", invite.callId],
        ["CSeq", `${invite.cseq.seq} ACK`],
      ],
    });
    wire.send(serializeSipMessage(ack), to).catch(() => undefined);
  };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= wire.close();
    return closing;
  };
  registerCleanup(`sip test UA ${transport}/${port}`, close);

  return {
    transport,
    port,
    uri,
    received,
    parseErrors,
    request,
    onRequest: (h) => {
      handler = h;
    },
    respond: (req, answer) => {
      const inbound = paths.get(req);
      if (inbound === undefined) throw new Error("respond(): not a request this UA received");
      send(req, inbound, answer);
    },
    waitForRequest: (predicate = () => true, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const look = (): boolean => {
          const hit = received.find((m): m is SipRequest => m.isRequest && !consumed.has(m) && predicate(m));
          if (hit === undefined) return false;
          consumed.add(hit);
          resolve(hit);
          return true;
        };
        if (look()) return;
        const wake = () => {
          if (!look()) return;
          clearTimeout(t);
          waiters.delete(wake);
        };
        const t = setTimeout(() => {
          waiters.delete(wake);
          reject(new HarnessTimeoutError(`sip test UA ${port}: no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(wake);
      }),
    sendRaw: (data, to) => wire.send(typeof data === "string" ? Buffer.from(data, "utf8") : data, toPeer(to)),
    close,
  };
}

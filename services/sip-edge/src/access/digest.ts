import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "../clock.js";

export type DigestAlgorithm = "MD5" | "SHA-256";

export interface DigestOptions {
  readonly realm: string;
  /** username -> password. */
  readonly users: ReadonlyMap<string, string>;
  /** Signs nonces so any edge instance can check them without shared state. Same on every instance. */
  readonly nonceSecret: string;
  readonly nonceTtlMs: number;
  readonly clock: Clock;
  /** Challenges offered, most preferred first (RFC 8760 §2.4). Default SHA-256 then MD5. */
  readonly algorithms?: readonly DigestAlgorithm[];
}

export type DigestVerdict =
  | { readonly ok: true; readonly username: string }
  | { readonly ok: false; readonly isStale: boolean };

function hash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm === "MD5" ? "md5" : "sha256")
    .update(text, "utf8")
    .digest("hex");
}

/** Splits `Digest a="x", b=y` into lowercase names and unquoted values (RFC 7616 §3.4 auth-param). */
export function parseDigestParams(header: string): Map<string, string> {
  const out = new Map<string, string>();
  const m = /^\s*Digest\s+/i.exec(header);
  if (m === null) return out;
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))\s*(?:,|$)/g;
  const rest = header.slice(m[0].length);
  for (let r = re.exec(rest); r !== null; r = re.exec(rest)) {
    const name = (r[1] ?? "").toLowerCase();
    out.set(name, r[2] !== undefined ? r[2].replace(/\\(.)/g, "$1") : (r[3] ?? ""));
  }
  return out;
}

/**
 * HTTP Digest for SIP (RFC 3261 §22.4, RFC 7616, RFC 8760: SHA-256 preferred, MD5 kept for old peers).
 * Nonces are `time.hmac`, so they verify on any instance holding the same secret.
 */
export class DigestAuthenticator {
  readonly #o: DigestOptions;
  /** Highest nonce count accepted per nonce (RFC 7616 §3.4: a repeated nc is a replay). Per instance. */
  readonly #counts = new Map<string, { nc: number; at: number }>();
  /**
   * Nonces in the order their counts were first kept, to forget them once the nonce is past its TTL (it is
   * refused as stale from then on). A queue, not a scan of the map: at a few hundred authentications a second
   * the map holds tens of thousands of nonces, and a scan per request would cost more than the request.
   */
  readonly #countOrder: { readonly nonce: string; readonly at: number }[] = [];
  #countHead = 0;

  constructor(options: DigestOptions) {
    this.#o = options;
  }

  /** WWW-Authenticate values, SHA-256 first (RFC 8760 §2.4: most preferred first). */
  challenges(isStale = false): string[] {
    const nonce = this.#nonce();
    const stale = isStale ? ", stale=true" : "";
    return (this.#o.algorithms ?? (["SHA-256", "MD5"] as const)).map(
      (alg) => `Digest realm="${this.#o.realm}", nonce="${nonce}", algorithm=${alg}, qop="auth"${stale}`,
    );
  }

  verify(method: string, authorization: readonly string[]): DigestVerdict {
    let isStale = false;
    for (const header of authorization) {
      const p = parseDigestParams(header);
      if ((p.get("realm") ?? "") !== this.#o.realm) continue;
      const alg = (p.get("algorithm") ?? "MD5").toUpperCase();
      if (alg !== "MD5" && alg !== "SHA-256") continue;
      if (this.#o.algorithms !== undefined && !this.#o.algorithms.includes(alg)) continue;
      const username = p.get("username") ?? "";
      const password = this.#o.users.get(username);
      const nonce = p.get("nonce") ?? "";
      const uri = p.get("uri") ?? "";
      const response = (p.get("response") ?? "").toLowerCase();
      if (password === undefined || response === "") continue;
      const nonceState = this.#checkNonce(nonce);
      if (nonceState === "bad") continue;
      const ha1 = hash(alg, `${username}:${this.#o.realm}:${password}`);
      const ha2 = hash(alg, `${method}:${uri}`);
      const qop = p.get("qop");
      const expected =
        qop === undefined
          ? hash(alg, `${ha1}:${nonce}:${ha2}`)
          : hash(alg, `${ha1}:${nonce}:${p.get("nc") ?? ""}:${p.get("cnonce") ?? ""}:${qop}:${ha2}`);
      if (!safeEqual(expected, response)) continue;
      if (nonceState === "stale") {
        isStale = true;
        continue;
      }
      if (qop !== undefined && !this.#isFreshCount(nonce, p.get("nc") ?? "")) continue;
      return { ok: true, username };
    }
    return { ok: false, isStale };
  }

  #isFreshCount(nonce: string, ncHex: string): boolean {
    const nc = /^[0-9a-fA-F]{8}$/.test(ncHex) ? Number.parseInt(ncHex, 16) : Number.NaN;
    if (!Number.isFinite(nc)) return false;
    const now = this.#o.clock.now();
    this.#forgetExpiredCounts(now);
    const seen = this.#counts.get(nonce);
    if (seen !== undefined && nc <= seen.nc) return false;
    if (seen === undefined) this.#countOrder.push({ nonce, at: now });
    this.#counts.set(nonce, { nc, at: seen?.at ?? now });
    return true;
  }

  /** How many nonces have a count kept (for tests). */
  get countedNonces(): number {
    return this.#counts.size;
  }

  #forgetExpiredCounts(now: number): void {
    const order = this.#countOrder;
    let head = this.#countHead;
    while (head < order.length) {
      const o = order[head] as { nonce: string; at: number };
      if (now - o.at <= this.#o.nonceTtlMs) break;
      if (this.#counts.get(o.nonce)?.at === o.at) this.#counts.delete(o.nonce);
      head++;
    }
    if (head === order.length) {
      order.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > order.length) {
      order.splice(0, head);
      head = 0;
    }
    this.#countHead = head;
  }

  #nonce(): string {
    const time = String(this.#o.clock.now());
    const salt = randomBytes(6).toString("base64url");
    return `${time}.${salt}.${this.#sign(`${time}.${salt}`)}`;
  }

  #sign(text: string): string {
    return createHmac("sha256", this.#o.nonceSecret).update(text).digest("base64url").slice(0, 22);
  }

  #checkNonce(nonce: string): "ok" | "stale" | "bad" {
    const parts = nonce.split(".");
    if (parts.length !== 3) return "bad";
    const [time, salt, sig] = parts as [string, string, string];
    if (!safeEqual(this.#sign(`${time}.${salt}`), sig)) return "bad";
    return this.#o.clock.now() - Number(time) > this.#o.nonceTtlMs ? "stale" : "ok";
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

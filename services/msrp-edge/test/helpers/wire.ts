// Hand-built MSRP requests from a peer at Atlanta (RFC 4975 Figure 2), for tests that need exact bytes.

const ATLANTA = "msrp://atlanta.example.com:7654/jshA7weztas;tcp";

export interface ChunkOptions {
  start?: number;
  end?: number | "*";
  total?: number | "*";
  flag?: "$" | "+" | "#";
  contentType?: string;
  /** Extra header lines (e.g. `Failure-Report: partial`), placed before Content-Type. */
  headers?: string[];
}

/** A SEND from Atlanta to `to` carrying `body` bytes. */
export function chunkBytes(to: string, tid: string, messageId: string, body: Uint8Array, o: ChunkOptions = {}): Buffer {
  const start = o.start ?? 1;
  const end = o.end ?? start + body.length - 1;
  const total = o.total ?? body.length;
  const head =
    `MSRP ${tid} SEND\r\nTo-Path: ${to}\r\nFrom-Path: ${ATLANTA}\r\nMessage-ID: ${messageId}\r\n` +
    `Byte-Range: ${start}-${end}/${total}\r\n${(o.headers ?? []).map((h) => `${h}\r\n`).join("")}` +
    `Content-Type: ${o.contentType ?? "text/plain"}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), body, Buffer.from(`\r\n-------${tid}${o.flag ?? "$"}\r\n`)]);
}

export function textSend(to: string, tid: string, messageId: string, text: string, o: ChunkOptions = {}): Buffer {
  return chunkBytes(to, tid, messageId, Buffer.from(text), o);
}

/** A bodiless SEND that binds the connection (RFC 4975 §5.4). */
export function bindingSend(to: string, tid: string): string {
  return `MSRP ${tid} SEND\r\nTo-Path: ${to}\r\nFrom-Path: ${ATLANTA}\r\nMessage-ID: b${tid}\r\nByte-Range: 1-0/0\r\n-------${tid}$\r\n`;
}

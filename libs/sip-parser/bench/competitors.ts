// "Full parse" adapters for the npm SIP parsers we compare against. Each one parses a message the
// way the library exposes it and touches the same header set stox parses: Request-URI, every Via,
// From, To, Call-ID, CSeq, Max-Forwards, every Contact/Route/Record-Route, Content-Type,
// Content-Length and Expires. Each returns the parsed object, or undefined when it rejects the text.
import { createRequire } from "node:module";
import { parseSipMessage } from "../src/index.js";

type Parse = (text: string) => unknown;

export interface Competitor {
  readonly name: string;
  readonly parse: Parse;
  /** What "full parse" means for this library. */
  readonly measured: string;
}

const require = createRequire(import.meta.url);

export function stoxFull(input: string | Buffer): unknown {
  const m = parseSipMessage(input); // validates: R-URI, Via, From, To, Call-ID, CSeq, Max-Forwards, Contact
  m.route;
  m.recordRoute;
  m.contentType;
  m.expires;
  return m;
}

interface KirmMessage {
  uri?: string;
  headers: Record<string, unknown>;
}

function kirmLike(lib: { parseUri: (s: string) => unknown }, m: KirmMessage | undefined): unknown {
  if (m === undefined) return undefined;
  // from/to/contact keep their URIs as strings: parse them with the library's own parseUri.
  if (m.uri !== undefined) lib.parseUri(m.uri);
  for (const h of ["from", "to"]) {
    const v = m.headers[h] as { uri?: string } | undefined;
    if (v?.uri !== undefined) lib.parseUri(v.uri);
  }
  const contact = m.headers.contact;
  if (Array.isArray(contact)) for (const c of contact as { uri: string }[]) lib.parseUri(c.uri);
  return m;
}

function loadSip(): Competitor {
  const sip = require("sip") as { parse: (s: string) => KirmMessage | undefined; parseUri: (s: string) => unknown };
  return {
    name: "sip 0.0.6",
    parse: (text) => kirmLike(sip, sip.parse(text)),
    measured:
      "sip.parse() (eagerly parses Via, From/To, Contact, Route/Record-Route with URIs, CSeq, auth headers; others raw) + sip.parseUri() on the Request-URI and the From/To/Contact URIs",
  };
}

function loadDrachtio(): Competitor {
  const { parser } = require("drachtio-sip") as {
    parser: {
      parseSipMessage: (s: string, lazy: boolean) => KirmMessage | undefined;
      parseUri: (s: string) => unknown;
    };
  };
  return {
    name: "drachtio-sip 0.6.3",
    parse: (text) => kirmLike(parser, parser.parseSipMessage(text, false)),
    measured:
      "parser.parseSipMessage(text, false) (non-lazy: Via, From/To, Contact, Route/Record-Route, CSeq... as the library parses them) + parser.parseUri() on the Request-URI and From/To/Contact URIs",
  };
}

interface GrammarMessage {
  headers: Record<string, unknown[]>;
  parseHeader(name: string, idx?: number): unknown;
}

/** JsSIP and SIP.js share a design: parseMessage parses some headers; parseHeader parses the rest. */
function grammarFull(m: GrammarMessage | undefined): unknown {
  if (m === undefined) return undefined;
  for (const name of ["Via", "Route", "Max-Forwards", "Expires"]) {
    const n = m.headers[name]?.length ?? 0;
    for (let i = 0; i < n; i++) m.parseHeader(name, i);
  }
  return m;
}

function loadJssip(): Competitor {
  const Parser = require("jssip/lib/Parser") as {
    parseMessage: (s: string, ua: unknown) => GrammarMessage | undefined;
  };
  return {
    name: "jssip 3.13.8",
    parse: (text) => grammarFull(Parser.parseMessage(text, undefined)),
    measured:
      "Parser.parseMessage() (PEG grammar: R-URI, first Via, From, To, Call-ID, CSeq, Contact, Record-Route, Content-Type/Length) + parseHeader() for every Via, Route, Max-Forwards, Expires",
  };
}

async function loadSipJs(): Promise<Competitor> {
  const mod = (await import("sip.js/lib/core/messages/parser.js")) as {
    Parser: { parseMessage: (s: string, logger: unknown) => GrammarMessage | undefined };
  };
  const quiet = { error() {}, warn() {}, log() {}, debug() {} };
  return {
    name: "sip.js 0.21.2",
    parse: (text) => grammarFull(mod.Parser.parseMessage(text, quiet)),
    measured:
      "Core Parser.parseMessage() (PEG grammar, same split as JsSIP) + parseHeader() for every Via, Route, Max-Forwards, Expires",
  };
}

/** Loads every competitor; one that fails to load or run on this Node is reported, not fatal. */
export async function loadCompetitors(): Promise<{ loaded: Competitor[]; failed: string[] }> {
  const loaded: Competitor[] = [];
  const failed: string[] = [];
  const loaders: [string, () => Competitor | Promise<Competitor>][] = [
    ["jssip", loadJssip],
    ["sip.js", loadSipJs],
    ["sip", loadSip],
    ["drachtio-sip", loadDrachtio],
  ];
  for (const [name, load] of loaders) {
    try {
      loaded.push(await load());
    } catch (e) {
      failed.push(`${name}: ${(e as Error).message}`);
    }
  }
  return { loaded, failed };
}

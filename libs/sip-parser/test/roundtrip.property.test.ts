import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SipRequest } from "../src/index.js";
import {
  createRequest,
  createResponse,
  formatNameAddr,
  parseSipMessage,
  parseUri,
  SipParseError,
  serializeSipMessage,
  uriEquals,
} from "../src/index.js";
import { address, body, callId, extensionHeader, sipUri, token, via } from "./arbitraries.js";

function addr(a: { displayName: string | null; uri: string; params: string[] }): string {
  return formatNameAddr({ displayName: a.displayName ?? undefined, uri: a.uri }) + a.params.join("");
}

const request = fc
  .record({
    method: token,
    uri: sipUri,
    vias: fc.array(via, { minLength: 1, maxLength: 3 }),
    from: address,
    to: address,
    callId,
    seq: fc.integer({ min: 0, max: 4294967295 }),
    maxForwards: fc.integer({ min: 0, max: 255 }),
    contacts: fc.array(address, { maxLength: 2 }),
    extensions: fc.array(extensionHeader, { maxLength: 4 }),
    body,
  })
  .map((r) => {
    const headers: [string, string][] = r.vias.map((v) => ["Via", v]);
    headers.push(["From", addr(r.from)], ["To", addr(r.to)]);
    headers.push(["Call-ID", r.callId], ["CSeq", `${r.seq} ${r.method}`], ["Max-Forwards", String(r.maxForwards)]);
    for (const c of r.contacts) headers.push(["Contact", addr(c)]);
    headers.push(...r.extensions, ["Content-Length", String(r.body.length)]);
    return { spec: r, message: createRequest({ method: r.method, uri: r.uri, headers, body: r.body }) };
  });

function roundTrip(m: SipRequest): SipRequest {
  const again = parseSipMessage(serializeSipMessage(m));
  if (!again.isRequest) throw new Error("request came back as a response");
  return again;
}

describe("RFC 3261 §7 serialize/parse round trip (fast-check)", () => {
  it("parse(serialize(m)) keeps the start line, every header line and the body", () => {
    fc.assert(
      fc.property(request, ({ message }) => {
        const again = roundTrip(message);
        expect(again.method).toBe(message.method);
        expect(again.uri).toBe(message.uri);
        expect(again.headers).toEqual(message.headers);
        expect(again.body.equals(message.body)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("structured views survive: display names, URIs, params, Via, CSeq, Call-ID", () => {
    fc.assert(
      fc.property(request, ({ spec, message }) => {
        const again = roundTrip(message);
        expect(again.from.displayName).toBe(spec.from.displayName ?? undefined);
        expect(uriEquals(again.to.uri, spec.to.uri)).toBe(true);
        expect(again.from.params.map((p) => `;${p.name}${p.value === null ? "" : `=${p.value}`}`)).toEqual(
          spec.from.params,
        );
        expect(again.via).toHaveLength(spec.vias.length);
        expect(again.cseq).toEqual({ seq: spec.seq, method: spec.method });
        expect(again.callId).toBe(spec.callId);
        expect(again.maxForwards).toBe(spec.maxForwards);
        expect(again.contact).toHaveLength(spec.contacts.length);
      }),
      { numRuns: 300 },
    );
  });

  it("a response built with createResponse round-trips and echoes the dialog headers (RFC 3261 §8.2.6.2)", () => {
    fc.assert(
      fc.property(
        request,
        fc.integer({ min: 101, max: 699 }),
        fc.string({ unit: fc.constantFrom(..."0123456789abcdef".split("")), minLength: 1, maxLength: 8 }),
        ({ message }, status, tag) => {
          const response = createResponse(message, status, { toTag: tag });
          const again = parseSipMessage(serializeSipMessage(response));
          expect(again.isRequest).toBe(false);
          expect(again.headerValues("via")).toEqual(message.headerValues("via"));
          expect(again.callId).toBe(message.callId);
          expect(again.cseq).toEqual(message.cseq);
          const toTags = again.to.params.filter((p) => p.name.toLowerCase() === "tag");
          expect(toTags.length).toBe(1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("RFC 3261 §19.1.4: every generated SIP URI parses, equals itself and its host-case variant", () => {
    fc.assert(
      fc.property(sipUri, (text) => {
        const uri = parseUri(text);
        expect(uri.raw).toBe(text);
        expect(uriEquals(uri, text)).toBe(true);
        const at = text.lastIndexOf("@");
        const upperHost =
          at < 0 ? text : text.slice(0, at + 1) + text.slice(at + 1).replace(/^[^;:]+/, (h) => h.toUpperCase());
        expect(uriEquals(text, upperHost)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("hostile input: only SipParseError is ever thrown (fast-check)", () => {
  function readEverything(bytes: Uint8Array | string): void {
    try {
      const m = parseSipMessage(bytes, { validate: false });
      for (const read of [
        () => m.via,
        () => m.from,
        () => m.to,
        () => m.callId,
        () => m.cseq,
        () => m.maxForwards,
        () => m.contact,
        () => m.route,
        () => m.recordRoute,
        () => m.contentType,
        () => m.expires,
        () => m.date,
        () => (m.isRequest ? m.requestUri : m.status),
        () => serializeSipMessage(m),
      ]) {
        try {
          read();
        } catch (e) {
          if (!(e instanceof SipParseError)) throw e;
        }
      }
      parseSipMessage(bytes);
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      expect(e.code).toBe("STOX_SIP_PARSE");
    }
  }

  it("arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => readEverything(bytes)),
      { numRuns: 2000 },
    );
  });

  it("arbitrary header lines after a valid request line", () => {
    const line = fc.string({ unit: fc.constantFrom(...'abcV:;,<>"\\%@ \t=/.-0123456789sip'.split("")), maxLength: 40 });
    const headerName = fc.constantFrom(
      "Via",
      "v",
      "From",
      "f",
      "To",
      "t",
      "Call-ID",
      "i",
      "CSeq",
      "Max-Forwards",
      "Contact",
      "m",
      "Route",
      "Record-Route",
      "Content-Type",
      "c",
      "Content-Length",
      "l",
      "Expires",
      "Date",
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(headerName, line), { maxLength: 10 }), (headers) => {
        const text = `INVITE sip:a@b SIP/2.0\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
        readEverything(text);
        readEverything(Buffer.from(text));
      }),
      { numRuns: 2000 },
    );
  });
});

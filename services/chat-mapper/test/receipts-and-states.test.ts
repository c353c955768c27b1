import { unwrapCpim } from "@stox/msrp-lite";
import { describe, expect, it } from "vitest";
import type { S2XRecord, X2SImdnRecord } from "../src/chat-store.js";
import { buildImdn, parseDispositions, parseImdn } from "../src/imdn.js";
import { buildIsComposing, chatStateToComposing, composingToChatState, parseIsComposing } from "../src/is-composing.js";
import { errorReport, imdnForReceipt, receiptStanza } from "../src/notifications.js";
import { mapSipMessage } from "../src/sip-to-xmpp.js";
import { readXml, XmlBodyError } from "../src/xml-reader.js";
import { mapXmppMessage } from "../src/xmpp-to-sip.js";
import { child, s2xOptions, sipMessage, x, x2sOptions } from "./fixtures.js";

const CRLF = "\r\n";

// RFC 3994 §6 example document.
const RFC3994_ACTIVE = `<?xml version="1.0" encoding="UTF-8"?>
<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="urn:ietf:params:xml:ns:im-composing iscomposing.xsd">
  <state>active</state>
  <contenttype>text/plain</contenttype>
  <refresh>90</refresh>
</isComposing>`;

// RFC 5438 §7.2.1.1 style delivery notification.
const RFC5438_DELIVERED = `<?xml version="1.0" encoding="UTF-8"?>
<imdn xmlns="urn:ietf:params:xml:ns:imdn">
  <message-id>34jk324j</message-id>
  <datetime>2008-04-04T12:16:49-05:00</datetime>
  <recipient-uri>im:bob@example.com</recipient-uri>
  <original-recipient-uri>im:bob@example.com</original-recipient-uri>
  <delivery-notification>
    <status>
      <delivered/>
    </status>
  </delivery-notification>
</imdn>`;

describe("RFC 3994 isComposing <-> XEP-0085 chat states", () => {
  it("reads the RFC 3994 example", () => {
    expect(parseIsComposing(RFC3994_ACTIVE)).toBe("active");
  });

  it("writes a document that reads back, with refresh only when active", () => {
    expect(parseIsComposing(buildIsComposing("active"))).toBe("active");
    expect(parseIsComposing(buildIsComposing("idle"))).toBe("idle");
    expect(buildIsComposing("idle")).not.toContain("refresh");
  });

  it.each([
    ["composing", "active"],
    ["paused", "idle"],
    ["active", "idle"],
    ["inactive", "idle"],
    ["gone", "idle"],
  ] as const)("XEP-0085 %s is isComposing %s", (state, composing) => {
    expect(chatStateToComposing(state)).toBe(composing);
  });

  it("isComposing active is composing, idle is paused", () => {
    expect(composingToChatState("active")).toBe("composing");
    expect(composingToChatState("idle")).toBe("paused");
  });

  it("IM-CT-03 (option on): an isComposing MESSAGE becomes a body-less chat-state stanza", () => {
    const d = mapSipMessage(
      sipMessage({ contentType: "application/im-iscomposing+xml", body: RFC3994_ACTIVE }),
      s2xOptions,
    );
    if (d.kind !== "stanza") throw new Error(d.kind);
    expect(child(d.stanza, "composing")?.attrs.xmlns).toBe("http://jabber.org/protocol/chatstates");
    expect(child(d.stanza, "body")).toBeUndefined();
  });

  it("IM-CT-03 (option off): an isComposing MESSAGE gets 200 and no stanza", () => {
    const d = mapSipMessage(sipMessage({ contentType: "application/im-iscomposing+xml", body: RFC3994_ACTIVE }), {
      ...s2xOptions,
      chatStates: false,
    });
    expect(d).toMatchObject({ kind: "respond", status: 200 });
  });

  it("IM-X2S-15 (option on): <composing/> becomes an isComposing MESSAGE; off: not translated", () => {
    const stanza = x(
      "message",
      { from: "alice@xmpp.test/a", to: "bob@sip.test", type: "chat" },
      x("composing", { xmlns: "http://jabber.org/protocol/chatstates" }),
    );
    const d = mapXmppMessage(stanza, x2sOptions);
    if (d.kind !== "send") throw new Error(d.kind);
    expect(d.message.contentType).toBe("application/im-iscomposing+xml");
    expect(parseIsComposing(d.message.body)).toBe("active");
    expect(mapXmppMessage(stanza, { ...x2sOptions, chatStates: false }).kind).toBe("ignore");
  });

  it("a body with a chat state is a normal message (the state is not sent separately)", () => {
    const stanza = x(
      "message",
      { from: "alice@xmpp.test/a", to: "bob@sip.test" },
      x("body", {}, "hi"),
      x("active", { xmlns: "http://jabber.org/protocol/chatstates" }),
    );
    const d = mapXmppMessage(stanza, x2sOptions);
    expect(d.kind === "send" && d.message.contentType).toBe("text/plain;charset=UTF-8");
  });
});

describe("RFC 5438 IMDN <-> XEP-0184 / XEP-0333", () => {
  it("reads the RFC 5438 delivery notification and writes one that reads back", () => {
    const n = parseImdn(RFC5438_DELIVERED);
    expect(n).toEqual({
      messageId: "34jk324j",
      dateTime: "2008-04-04T12:16:49-05:00",
      recipientUri: "im:bob@example.com",
      originalRecipientUri: "im:bob@example.com",
      kind: "delivery",
      status: "delivered",
    });
    expect(parseImdn(buildImdn(n))).toEqual(n);
  });

  it("parses Disposition-Notification tokens, ignoring unknown ones", () => {
    expect(parseDispositions("positive-delivery, display, processing")).toEqual(["positive-delivery", "display"]);
  });

  it("a CPIM MESSAGE with an IMDN request becomes a stanza asking for a XEP-0184 receipt and XEP-0333 marker", () => {
    const body = [
      "From: Bob <sip:bob@sip.test>",
      "To: Alice <sip:alice@xmpp.test>",
      "NS: imdn <urn:ietf:params:imdn>",
      "imdn.Message-ID: 34jk324j",
      "DateTime: 2006-04-04T12:16:49-05:00",
      "imdn.Disposition-Notification: positive-delivery, display",
      "",
      "Content-type: text/plain",
      "",
      "Hello World",
    ].join(CRLF);
    const d = mapSipMessage(sipMessage({ contentType: "message/cpim", body }), s2xOptions);
    if (d.kind !== "stanza") throw new Error(d.kind);
    expect(child(d.stanza, "request")?.attrs.xmlns).toBe("urn:xmpp:receipts");
    expect(child(d.stanza, "markable")?.attrs.xmlns).toBe("urn:xmpp:chat-markers:0");
    expect(d.imdn).toEqual({
      messageId: "34jk324j",
      dateTime: "2006-04-04T12:16:49-05:00",
      dispositions: ["positive-delivery", "display"],
    });
  });

  it("a CPIM-wrapped IMDN notification is a receipt decision", () => {
    const body = [
      "From: Bob <sip:bob@sip.test>",
      "To: Alice <sip:alice@xmpp.test>",
      "NS: imdn <urn:ietf:params:imdn>",
      "imdn.Message-ID: d834jied93rf",
      "",
      "Content-type: message/imdn+xml",
      "Content-Disposition: notification",
      "",
      RFC5438_DELIVERED,
    ].join(CRLF);
    const d = mapSipMessage(sipMessage({ contentType: "message/cpim", body }), s2xOptions);
    expect(d).toMatchObject({ kind: "receipt", notification: { messageId: "34jk324j", status: "delivered" } });
  });

  const x2sRecord: X2SImdnRecord = {
    senderJid: "alice@xmpp.test/phone",
    targetJid: "bob@sip.test",
    stanzaId: "k7",
    dispositions: ["positive-delivery", "negative-delivery", "display"],
  };
  const n = parseImdn(RFC5438_DELIVERED);

  it("delivered becomes <received id=original/> to the sender's full JID", () => {
    const s = receiptStanza(x2sRecord, n, "bob@sip.test");
    expect(s?.attrs).toMatchObject({ from: "bob@sip.test", to: "alice@xmpp.test/phone" });
    expect(child(s ?? x("none"), "received")?.attrs).toEqual({ xmlns: "urn:xmpp:receipts", id: "k7" });
  });

  it("displayed becomes a XEP-0333 <displayed/>; failed becomes an error stanza about the original id", () => {
    const shown = receiptStanza(x2sRecord, { ...n, kind: "display", status: "displayed" }, "bob@sip.test");
    expect(child(shown ?? x("none"), "displayed")?.attrs).toEqual({ xmlns: "urn:xmpp:chat-markers:0", id: "k7" });
    const failed = receiptStanza(x2sRecord, { ...n, status: "failed" }, "bob@sip.test");
    expect(failed?.attrs).toMatchObject({ type: "error", id: "k7", to: "alice@xmpp.test/phone" });
  });

  it("a notification nobody asked for is not translated", () => {
    expect(receiptStanza({ ...x2sRecord, dispositions: ["display"] }, n, "bob@sip.test")).toBeUndefined();
  });

  it("a XEP-0184 receipt for an S2X stanza is a receipt decision", () => {
    const stanza = x(
      "message",
      { from: "alice@xmpp.test/phone", to: "bob@sip.test" },
      x("received", { xmlns: "urn:xmpp:receipts", id: "s2x-abc" }),
    );
    expect(mapXmppMessage(stanza, x2sOptions)).toMatchObject({
      kind: "receipt",
      refId: "s2x-abc",
      notification: "delivery",
    });
    const marker = x(
      "message",
      { from: "alice@xmpp.test/phone", to: "bob@sip.test" },
      x("displayed", { xmlns: "urn:xmpp:chat-markers:0", id: "s2x-abc" }),
    );
    expect(mapXmppMessage(marker, x2sOptions)).toMatchObject({ kind: "receipt", notification: "display" });
  });

  const s2xRecord: S2XRecord = {
    sipSenderUri: "sip:bob@sip.test",
    sipTargetUri: "sip:alice@xmpp.test",
    senderJid: "bob@sip.test",
    targetJid: "alice@xmpp.test",
    imdn: {
      messageId: "34jk324j",
      dateTime: "2006-04-04T12:16:49-05:00",
      dispositions: ["positive-delivery", "negative-delivery"],
    },
  };

  it("the receipt becomes a CPIM IMDN MESSAGE to the SIP sender, about the original Message-ID", () => {
    const m = imdnForReceipt(s2xRecord, "delivery", "sip:alice@xmpp.test;gr=phone");
    expect(m).toMatchObject({
      requestUri: "sip:bob@sip.test",
      fromUri: "sip:alice@xmpp.test;gr=phone",
      contentType: "message/cpim",
    });
    const cpim = unwrapCpim(Buffer.from(m?.body ?? "", "utf8"));
    expect(cpim.contentType).toBe("message/imdn+xml;charset=UTF-8");
    expect(cpim.contentHeaders).toContainEqual({ name: "Content-Disposition", value: "notification" });
    const inner = parseImdn(Buffer.from(cpim.body).toString("utf8"));
    expect(inner).toMatchObject({ messageId: "34jk324j", kind: "delivery", status: "delivered" });
    expect(imdnForReceipt(s2xRecord, "display", "sip:alice@xmpp.test")).toBeUndefined(); // display not requested
  });

  it("IM-S2X-15 (report option): a late XMPP error reaches the SIP sender as a failed IMDN when asked for, else as text", () => {
    const asImdn = errorReport(
      s2xRecord,
      "recipient-unavailable",
      undefined,
      "sip:postmaster@xmpp.test",
      "sip:alice@xmpp.test",
    );
    const inner = unwrapCpim(Buffer.from(asImdn.body, "utf8"));
    expect(parseImdn(Buffer.from(inner.body).toString("utf8")).status).toBe("failed");
    const { imdn: _ignored, ...plain } = s2xRecord;
    const asText = errorReport(
      plain,
      "item-not-found",
      "no such user",
      "sip:postmaster@xmpp.test",
      "sip:alice@xmpp.test",
    );
    expect(asText).toMatchObject({
      fromUri: "sip:postmaster@xmpp.test",
      toUri: "sip:bob@sip.test",
      contentType: "text/plain;charset=UTF-8",
    });
    expect(asText.body).toContain("item-not-found: no such user");
  });
});

describe("the small XML reader", () => {
  it("reads entities, CDATA and nested elements", () => {
    const e = readXml("<a x='1&amp;2'><b>&lt;&#x41;&#66;</b><![CDATA[<raw>]]></a>");
    expect(e).toEqual({
      name: "a",
      attrs: { x: "1&2" },
      children: [{ name: "b", attrs: {}, children: ["<AB"] }, "<raw>"],
    });
  });

  it.each(["<a>", "<a></b>", "<a/><b/>", "text", "<a>&bogus;</a>"])("refuses %j with XmlBodyError", (doc) => {
    expect(() => readXml(doc)).toThrow(XmlBodyError);
  });
});

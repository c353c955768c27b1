// The realistic half of the benchmark corpus: the messages a SIP <-> XMPP gateway sees most.
// Written for this benchmark in the style of RFC 3261 §24 / RFC 3428 / RFC 3856 examples.
const CRLF = "\r\n";

function message(head: readonly string[], body = ""): string {
  const length = Buffer.byteLength(body, "utf8");
  return [...head, `Content-Length: ${length}`, "", ""].join(CRLF) + body;
}

const sdpOffer = [
  "v=0",
  "o=alice 2890844526 2890844526 IN IP4 192.0.2.101",
  "s=-",
  "c=IN IP4 192.0.2.101",
  "t=0 0",
  "m=audio 49172 RTP/AVP 0 8 101",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:101 telephone-event/8000",
  "a=fmtp:101 0-15",
  "a=sendrecv",
  "",
].join(CRLF);

const sdpAnswer = sdpOffer.replace(/alice 2890844526 2890844526/, "bob 2808844564 2808844564").replace(/101/g, "102");

const pidf = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:juliet@example.com">',
  '  <tuple id="t8a1">',
  "    <status><basic>open</basic></status>",
  '    <contact priority="0.8">sip:juliet@pc33.example.com</contact>',
  '    <note xml:lang="en">Away from the balcony</note>',
  "  </tuple>",
  "</presence>",
  "",
].join(CRLF);

export const REALISTIC: readonly { readonly name: string; readonly text: string }[] = [
  {
    name: "INVITE with SDP",
    text: message(
      [
        "INVITE sip:bob@biloxi.example.com SIP/2.0",
        "Via: SIP/2.0/TLS client.atlanta.example.com:5061;branch=z9hG4bK74bf9;rport",
        "Via: SIP/2.0/TCP edge.atlanta.example.com;branch=z9hG4bK2d4790.1;received=192.0.2.1",
        "Max-Forwards: 69",
        "Record-Route: <sip:edge.atlanta.example.com;lr>",
        "Route: <sip:proxy.biloxi.example.com;lr>",
        'From: "Alice Liddell" <sip:alice@atlanta.example.com>;tag=9fxced76sl',
        "To: Bob <sip:bob@biloxi.example.com>",
        "Call-ID: 3848276298220188511@atlanta.example.com",
        "CSeq: 1 INVITE",
        'Contact: <sip:alice@client.atlanta.example.com;transport=tls>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"',
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, SUBSCRIBE, NOTIFY, REFER, UPDATE",
        "Supported: replaces, timer, 100rel",
        "User-Agent: stox-bench/1.0",
        "Content-Type: application/sdp",
      ],
      sdpOffer,
    ),
  },
  {
    name: "MESSAGE",
    text: message(
      [
        "MESSAGE sip:juliet@example.com SIP/2.0",
        "Via: SIP/2.0/TCP pc33.example.org:5060;branch=z9hG4bK776sgdkse;rport",
        "Max-Forwards: 70",
        "From: <sip:romeo@example.org>;tag=49583",
        "To: <sip:juliet@example.com>",
        "Call-ID: asd88asd77a@1.2.3.4",
        "CSeq: 1 MESSAGE",
        "Content-Type: text/plain;charset=UTF-8",
      ],
      "Art thou not Romeo, and a Montague? ¿Qué tal?",
    ),
  },
  {
    name: "SUBSCRIBE presence",
    text: message([
      "SUBSCRIBE sip:juliet@example.com SIP/2.0",
      "Via: SIP/2.0/TCP romeo-pc.example.org:5060;branch=z9hG4bKnashds7;rport",
      "Max-Forwards: 70",
      "From: <sip:romeo@example.org>;tag=ffd2",
      "To: <sip:juliet@example.com>",
      "Call-ID: 12345601@romeo-pc.example.org",
      "CSeq: 1 SUBSCRIBE",
      "Contact: <sip:romeo@romeo-pc.example.org;transport=tcp>",
      "Event: presence",
      "Accept: application/pidf+xml, application/cpim-pidf+xml",
      "Expires: 3600",
      "Allow-Events: presence",
    ]),
  },
  {
    name: "NOTIFY with PIDF",
    text: message(
      [
        "NOTIFY sip:romeo@romeo-pc.example.org;transport=tcp SIP/2.0",
        "Via: SIP/2.0/TCP presence.example.com:5060;branch=z9hG4bK4cd42a;rport",
        "Max-Forwards: 70",
        "From: <sip:juliet@example.com>;tag=xfg9",
        "To: <sip:romeo@example.org>;tag=ffd2",
        "Call-ID: 12345601@romeo-pc.example.org",
        "CSeq: 20 NOTIFY",
        "Contact: <sip:presence.example.com;transport=tcp>",
        "Event: presence",
        "Subscription-State: active;expires=3599",
        "Content-Type: application/pidf+xml",
      ],
      pidf,
    ),
  },
  {
    name: "200 OK to INVITE",
    text: message(
      [
        "SIP/2.0 200 OK",
        "Via: SIP/2.0/TLS client.atlanta.example.com:5061;branch=z9hG4bK74bf9;received=192.0.2.101;rport=49152",
        "Via: SIP/2.0/TCP edge.atlanta.example.com;branch=z9hG4bK2d4790.1;received=192.0.2.1",
        "Record-Route: <sip:edge.atlanta.example.com;lr>",
        'From: "Alice Liddell" <sip:alice@atlanta.example.com>;tag=9fxced76sl',
        "To: Bob <sip:bob@biloxi.example.com>;tag=8321234356",
        "Call-ID: 3848276298220188511@atlanta.example.com",
        "CSeq: 1 INVITE",
        "Contact: <sip:bob@client.biloxi.example.com;transport=tcp>",
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, SUBSCRIBE, NOTIFY, REFER, UPDATE",
        "Content-Type: application/sdp",
      ],
      sdpAnswer,
    ),
  },
];

/** RFC 4475 §3.1.1 (valid messages) used in the benchmark corpus. */
export const RFC4475_VALID = [
  "wsinv",
  "intmeth",
  "esc01",
  "escnull",
  "esc02",
  "lwsdisp",
  "longreq",
  "dblreq",
  "semiuri",
  "transports",
  "mpart01",
  "unreason",
  "noreason",
] as const;

/** XML namespaces the edge speaks (RFC 6120, XEP-0114, XEP-0220 and the XEPs it answers for itself). */
export const NS = {
  stream: "http://etherx.jabber.org/streams",
  streams: "urn:ietf:params:xml:ns:xmpp-streams",
  stanzas: "urn:ietf:params:xml:ns:xmpp-stanzas",
  component: "jabber:component:accept",
  server: "jabber:server",
  client: "jabber:client",
  tls: "urn:ietf:params:xml:ns:xmpp-tls",
  sasl: "urn:ietf:params:xml:ns:xmpp-sasl",
  dialback: "jabber:server:dialback",
  dialbackFeature: "urn:xmpp:features:dialback",
  discoInfo: "http://jabber.org/protocol/disco#info",
  discoItems: "http://jabber.org/protocol/disco#items",
  ping: "urn:xmpp:ping",
  version: "jabber:iq:version",
} as const;

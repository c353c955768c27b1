import { z } from "zod";

/** Every event carries these: version, id (UUID), and when it was made. Additive fields keep the same `v`. */
export const envelope = {
  v: z.literal(1),
  id: z.string().min(1).max(128),
  at: z.string().min(1).max(64),
};

/** An address on one side: a SIP/SIPS/tel URI or a JID (bare or full, without the xmpp: scheme). */
export const addressSchema = z.object({
  scheme: z.enum(["sip", "sips", "tel", "xmpp"]),
  uri: z.string().min(1).max(3072),
});
export type Address = z.infer<typeof addressSchema>;

/** Protocol-neutral failure kinds that edges turn into wire errors (see error-responses in each edge). */
export const gatewayErrorCodes = [
  "bad-request",
  "forbidden",
  "not-found",
  "not-acceptable",
  "too-large",
  "rate-limited",
  "timeout",
  "unavailable",
  "not-implemented",
  "internal",
] as const;
export type GatewayErrorCode = (typeof gatewayErrorCodes)[number];

export const gatewayErrorSchema = z.object({
  code: z.enum(gatewayErrorCodes),
  message: z.string().max(1024),
  isRetryable: z.boolean(),
});
export type GatewayError = z.infer<typeof gatewayErrorSchema>;

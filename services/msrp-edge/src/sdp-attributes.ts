/** What goes into our SDP media description for one MSRP session (RFC 4975 §8). */
export interface SdpAttributeInput {
  readonly path: readonly string[];
  readonly acceptTypes: readonly string[];
  readonly acceptWrappedTypes: readonly string[];
  readonly maxSize: number;
  readonly setup: "active" | "passive" | "actpass";
}

/**
 * Attribute lines without `a=` in the order RFC 4975 §8 shows them: path (MSRP-SDP-03), accept-types
 * (MSRP-SDP-04), accept-wrapped-types when any (MSRP-SDP-05), max-size (MSRP-SDP-06), setup
 * (RFC 6135, MSRP-CONN-08: always written).
 */
export function sdpAttributes(input: SdpAttributeInput): string[] {
  const lines = [`path:${input.path.join(" ")}`, `accept-types:${input.acceptTypes.join(" ")}`];
  if (input.acceptWrappedTypes.length > 0) lines.push(`accept-wrapped-types:${input.acceptWrappedTypes.join(" ")}`);
  lines.push(`max-size:${input.maxSize}`, `setup:${input.setup}`);
  return lines;
}

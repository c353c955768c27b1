import type { DialogData } from "../state/types.js";

/**
 * PRES-X2S-01 / RFC 6665 §4.5.1: our Contact is a GRUU routing back to the gateway and this dialog: the
 * local AOR (in the gateway's domain) with `gr` = our dialog tag, inside the angle brackets.
 */
export function gruuFor(d: Pick<DialogData, "localUri" | "localTag">): string {
  return `${d.localUri};gr=${d.localTag}`;
}

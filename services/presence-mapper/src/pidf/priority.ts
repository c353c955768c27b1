/**
 * PRES-NTF-06/07 (RFC 8048 §6.2 note 6): XMPP priority 0..127 -> PIDF contact@priority 0..1 with at most
 * three decimals, 0 -> 0 and 127 -> 1, distinct for distinct priorities: floor(p*1000/127)/1000.
 * Negative priorities are not mapped (undefined).
 */
export function xmppPriorityToPidf(priority: number): string | undefined {
  if (!Number.isInteger(priority) || priority < 0 || priority > 127) return undefined;
  const thousandths = Math.floor((priority * 1000) / 127);
  if (thousandths === 1000) return "1";
  return `0.${String(thousandths).padStart(3, "0")}`.replace(/\.?0+$/, "") || "0";
}

/** The reverse (RFC 8048 §6.3 note 2 and the PROJ scale): round(q*127); undefined when q is not a qvalue. */
export function pidfPriorityToXmpp(qvalue: string): number | undefined {
  // RFC 3863 §4.1.3: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
  const value = Number(qvalue);
  if (qvalue.trim() === "" || !Number.isFinite(value) || value < 0 || value > 1) return undefined;
  return Math.round(value * 127);
}

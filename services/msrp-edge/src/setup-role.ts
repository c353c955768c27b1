/** RFC 4145 / RFC 6135 `a=setup` values as they may arrive from a peer. */
export type SetupValue = "active" | "passive" | "actpass" | "holdconn";

/** Who opens the TCP connection for a session, and what we write in our own `a=setup`. */
export interface SetupDecision {
  /** Our `a=setup` in the offer or answer. */
  readonly local: "active" | "passive" | "actpass";
  /** True: we connect and send the first SEND (MSRP-CONN-03). False: we wait. Undefined: not yet known. */
  readonly isActive: boolean | undefined;
}

/**
 * The gateway's COMEDIA profile (msrp.md §8.2): it is publicly reachable, so it offers `actpass` and
 * answers `passive` whenever it may, letting NATed clients connect out.
 */
export function decideOfferSetup(): SetupDecision {
  // RFC 6135 §4.2.1: an offerer with a reachable address MUST offer actpass; the answer decides.
  return { local: "actpass", isActive: undefined };
}

/** Our role as offerer once the answer arrived (RFC 6135 §4.2.2; RFC 4975 §5.4 without `a=setup`). */
export function decideAfterAnswer(remote: SetupValue | undefined): boolean {
  switch (remote) {
    case "active":
      return false; // the answerer connects to us
    case "passive":
      return true;
    default:
      // No a=setup, holdconn (RFC 6135 §4.4: treat as absent), or an illegal actpass answer: the RFC 4975
      // §8.5 rule makes the offerer active (MSRP-CONN-02).
      return true;
  }
}

/** Our `a=setup` and role as answerer (RFC 6135 §4.2.2, §4.4). */
export function decideAnswerSetup(remote: SetupValue | undefined): SetupDecision {
  if (remote === "passive") {
    // RFC 6135 forbids offering passive; tolerate it by connecting ourselves.
    return { local: "active", isActive: true };
  }
  // actpass: SHOULD answer passive when not behind NAT; active offer: we must be passive; no a=setup or
  // holdconn: RFC 4975 default, the offerer connects. `a=setup` is always written (MSRP-CONN-08).
  return { local: "passive", isActive: false };
}

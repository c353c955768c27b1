import { BlockList, isIPv4, isIPv6 } from "node:net";

/** A set of trusted networks ("10.0.0.0/8", "::1/128", or a bare address). */
export interface CidrSet {
  has(address: string): boolean;
  readonly isEmpty: boolean;
}

/** Builds a CidrSet; throws a plain Error naming the bad entry (config reports it). */
export function parseCidrs(entries: readonly string[]): CidrSet {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === "") continue;
    const [addr, bits] = entry.split("/");
    const family =
      addr !== undefined && isIPv4(addr) ? "ipv4" : addr !== undefined && isIPv6(addr) ? "ipv6" : undefined;
    if (family === undefined || addr === undefined) throw new Error(`"${entry}" is not an IP address or CIDR`);
    if (bits === undefined) list.addAddress(addr, family);
    else {
      const n = Number(bits);
      const max = family === "ipv4" ? 32 : 128;
      if (!/^\d+$/.test(bits) || n > max) throw new Error(`"${entry}" has a bad prefix length`);
      list.addSubnet(addr, n, family);
    }
  }
  const isEmpty = entries.every((e) => e.trim() === "");
  const check = (address: string): boolean => {
    const a = address.startsWith("::ffff:") && isIPv4(address.slice(7)) ? address.slice(7) : address;
    if (isIPv4(a)) return list.check(a, "ipv4");
    if (isIPv6(a)) return list.check(a, "ipv6");
    return false;
  };
  // The set never changes and a few peers send most requests: BlockList.check (several microseconds) runs
  // once per address, not once per request.
  const known = new Map<string, boolean>();
  return {
    isEmpty,
    has(address: string): boolean {
      if (isEmpty) return false;
      let isIn = known.get(address);
      if (isIn === undefined) {
        isIn = check(address);
        if (known.size >= MAX_REMEMBERED) known.clear();
        known.set(address, isIn);
      }
      return isIn;
    },
  };
}

const MAX_REMEMBERED = 4096;

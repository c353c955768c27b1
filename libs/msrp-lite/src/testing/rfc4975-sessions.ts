// The RFC 4975 messages of rfc4975-messages.ts seen from the receiving side, for tests where a real
// receiver (e.g. msrp-edge) plays that side: its `host:port` (`authority`) and session id, so a test can put
// its real port into the URIs with `atPort`. Everything else is the RFC's bytes, except where noted.
import {
  FIG2_200,
  FIG2_SEND,
  FIG3_CHUNK1,
  FIG3_CHUNK2,
  FIG14_CPIM_CHUNK1,
  FIG15_CPIM_CHUNK2,
  FIG16_SEND,
  S11_1_200_BOB,
  S11_1_SEND_ALICE,
  S11_5_SYSTEM,
} from "./rfc4975-messages.js";

/** Replaces the RFC's `host:port` of the side a test plays with that side's real port. */
export function atPort(text: string, authority: string, port: number): string {
  const host = authority.split(":")[0] as string;
  return text.replaceAll(authority, `${host}:${port}`);
}

/** §4 Figure 2: Alice's SEND to Bob and Bob's 200 (the receiver is Bob: biloxi.example.com:12763). */
export const FIG2 = {
  authority: "biloxi.example.com:12763",
  sessionId: "kjhd37s2s20w2a",
  send: FIG2_SEND,
  ok: FIG2_200,
};

/** §5.1 Figure 3: "abcdEFGH" in two chunks, the first interruptible (range-end `*`); paths of Figure 2. */
export const FIG3 = {
  authority: FIG2.authority,
  sessionId: FIG2.sessionId,
  chunk1: FIG3_CHUNK1,
  chunk2: FIG3_CHUNK2,
};

/** §11.1 steps 4-5 (and the text of step 6): Alice and Bob exchange a message each (the receiver is Bob). */
export const S11_1 = {
  authority: "bob.example.com:8888",
  sessionId: "9di4eae923wzd",
  alicePath: "msrp://alicepc.example.com:7777/iau39soe2843z;tcp",
  sendAlice: S11_1_SEND_ALICE,
  okBob: S11_1_200_BOB,
  bobText: "Hi, Alice!  I'm Bob!",
};

/** §11.4 Figures 14/15: a CPIM message in two chunks (the RFC's counts are off by one; MSRP-RECV-03). */
export const S11_4 = {
  authority: "bobpc.example.com:8888",
  sessionId: "9di4eae923wzd",
  chunk1: FIG14_CPIM_CHUNK1,
  chunk2: FIG15_CPIM_CHUNK2,
};

/** §11.5: a system message that asks for no reports at all (the receiver is alicepc). */
export const S11_5 = {
  authority: "alicepc.example.com:8888",
  sessionId: "9di4eae923wzd",
  send: S11_5_SYSTEM,
};

const FIG16_BODY_BYTES = 121;

/**
 * §11.6 Figures 16/17: a SEND asking for a success REPORT and no failure reports. The RFC says
 * `1-106/106` for a 121-byte body; this SEND carries the real count, or the receiver would have to reject
 * a chunk longer than its range (RFC 4975 §7.3.1).
 */
export const S11_6 = {
  authority: "bob.example.com:8888",
  sessionId: "9di4eae923wzd",
  send: FIG16_SEND.replace("Byte-Range: 1-106/106", `Byte-Range: 1-${FIG16_BODY_BYTES}/${FIG16_BODY_BYTES}`),
  bodyBytes: FIG16_BODY_BYTES,
};

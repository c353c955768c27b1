/**
 * The Bidi Rule of RFC 5893 §2, applied by UsernameCaseMapped (RFC 8265 §3.4.4) to strings that
 * contain right-to-left code points.
 *
 * The runtime's RegExp has no Bidi_Class property, so classes are approximated: letters and marks of
 * right-to-left scripts are R/AL, the Arabic number ranges are AN, ASCII and Extended Arabic-Indic
 * digits are EN, non-spacing marks are NSM, other letters, digits and spacing marks are L, and the rest
 * (punctuation, symbols) count as ON. This is exact for the scripts users type in practice; it can
 * misjudge rare code points whose Bidi_Class differs from their script's direction.
 */
type BidiClass = "L" | "R" | "AN" | "EN" | "NSM" | "ON";

const RTL_SCRIPT =
  /^[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Yezidi}\p{Script=Old_South_Arabian}\p{Script=Imperial_Aramaic}\p{Script=Phoenician}]$/u;
const NSM = /^[\p{gc=Mn}\p{gc=Me}]$/u;
const LTR = /^[\p{L}\p{Nd}\p{Nl}\p{gc=Mc}]$/u;

function isArabicNumber(cp: number): boolean {
  return (
    (cp >= 0x0600 && cp <= 0x0605) ||
    (cp >= 0x0660 && cp <= 0x0669) ||
    cp === 0x066b ||
    cp === 0x066c ||
    cp === 0x06dd ||
    cp === 0x08e2 ||
    (cp >= 0x10d30 && cp <= 0x10d39) ||
    (cp >= 0x10e60 && cp <= 0x10e7e)
  );
}

function bidiClass(cp: number): BidiClass {
  const ch = String.fromCodePoint(cp);
  if (isArabicNumber(cp)) return "AN";
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x06f0 && cp <= 0x06f9)) return "EN";
  if (NSM.test(ch)) return "NSM";
  if (RTL_SCRIPT.test(ch) && /^[\p{L}\p{N}\p{gc=Mc}\p{P}]$/u.test(ch)) return "R";
  if (LTR.test(ch)) return "L";
  return "ON";
}

/** True when the string contains a right-to-left code point (R, AL or AN), so the Bidi Rule applies. */
export function hasRightToLeft(cps: readonly number[]): boolean {
  return cps.some((cp) => {
    const c = bidiClass(cp);
    return c === "R" || c === "AN";
  });
}

/** RFC 5893 §2 conditions 1–6. Strings without RTL code points pass unchanged (RFC 8265 §3.4.4). */
export function satisfiesBidiRule(cps: readonly number[]): boolean {
  if (!hasRightToLeft(cps)) return true;
  const classes = cps.map(bidiClass);
  // Condition 1: the first character must be L, R or AL.
  const first = classes[0];
  if (first !== "R") {
    // An RTL string that starts with L would mix directions (condition 5 forbids R/AN in LTR labels).
    return false;
  }
  // Condition 2: no L in an RTL label.
  if (classes.includes("L")) return false;
  // Condition 3: the end, ignoring trailing NSM, must be R, AL, EN or AN.
  let end = classes.length - 1;
  while (end > 0 && classes[end] === "NSM") end--;
  const last = classes[end];
  if (last !== "R" && last !== "EN" && last !== "AN") return false;
  // Condition 4: EN and AN must not both be present.
  return !(classes.includes("EN") && classes.includes("AN"));
}

// Tags and branches come from sip-parser's pooled CSPRNG bytes (RFC 3261 §19.3, §8.1.1.7).
export { generateBranch as newBranch, generateTag as newTag } from "@stox/sip-parser";

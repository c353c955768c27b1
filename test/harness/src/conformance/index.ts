export { findRequirementIds, listTestFiles, scanTestFiles } from "./id-scanner.js";
export {
  type Catalogue,
  COUNTED_BUCKETS,
  type CountedBucket,
  computeCoverage,
  renderMarkdownReport,
  renderTextReport,
  type SpecCoverage,
} from "./report.js";
export {
  type LevelBucket,
  levelBucket,
  type ParsedSpec,
  parseSpecRequirements,
  type Requirement,
  type RequirementLevel,
  splitTableRow,
} from "./spec-tables.js";

/** One table of benchmark results, printed by `pnpm bench`. */
export interface BenchTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  /** Lines printed under the table: what was compared, ratios, caveats. */
  readonly notes?: readonly string[];
}

/** A benchmark module exports `run`, which measures and returns its tables. */
export type BenchModule = { run: () => Promise<readonly BenchTable[]> };

function cell(value: string | number): string {
  if (typeof value === "string") return value;
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(2);
}

/** Renders a table as Markdown, so the output pastes straight into docs. */
export function formatTable(table: BenchTable): string {
  const cells = table.rows.map((row) => row.map(cell));
  const widths = table.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (values: readonly string[]) =>
    `| ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const out = [`### ${table.title}`, "", line(table.columns), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`];
  for (const row of cells) out.push(line(row));
  for (const note of table.notes ?? []) out.push("", note);
  return out.join("\n");
}

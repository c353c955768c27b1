// `pnpm bench`: finds every `*.bench.ts` under bench/, libs/*/bench/ and services/*/bench/, runs them one
// after another (never in parallel: they share two cores) and prints their tables.
// `pnpm bench <filter>` runs only the modules whose path contains <filter>.
import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type BenchModule, formatTable } from "./table.ts";

const root = resolve(import.meta.dirname, "..");

function benchFiles(): string[] {
  const dirs = [join(root, "bench")];
  for (const group of ["libs", "services"]) {
    for (const pkg of readdirSync(join(root, group))) dirs.push(join(root, group, pkg, "bench"));
  }
  return dirs
    .filter((d) => existsSync(d))
    .flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith(".bench.ts"))
        .map((f) => join(d, f)),
    )
    .sort();
}

const filter = process.argv[2];
const files = benchFiles().filter((f) => !filter || f.includes(filter));
console.log(`# stox benchmarks (${new Date().toISOString()}, node ${process.version})\n`);
for (const file of files) {
  const mod = (await import(pathToFileURL(file).href)) as BenchModule;
  console.log(`<!-- ${relative(root, file)} -->`);
  for (const table of await mod.run()) console.log(`${formatTable(table)}\n`);
}

import { defineConfig } from "vitest/config";

// One runner for the whole tree. Tests read TypeScript sources through the "source"
// export condition, so nothing needs building before `pnpm test`.
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    globalSetup: ["test/global-setup.ts"],
    include: [
      "libs/*/test/**/*.test.ts",
      "services/*/test/**/*.test.ts",
      "test/**/*.test.ts",
      "deploy/test/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".stox-tmp/vitest-results.json" }]] : ["default"],
  },
});

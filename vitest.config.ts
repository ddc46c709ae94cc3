import { defineConfig } from "vitest/config";

/**
 * Three projects over one tree:
 *  - unit: every test under test/, storage on embedded PGlite;
 *  - postgres: the tests that touch storage again, on the local PostgreSQL server
 *    (each test file gets a fresh database, dropped when it ends);
 *  - e2e: browser tests in e2e/, Debian's Chromium driven by playwright-core.
 */
export default defineConfig({
  test: {
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: process.env.VITEST_JSON ?? "test-results/vitest.json" },
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          env: { TEST_STORE: "pglite", SAFE_PASSAGE_ENV: "test" },
          globalSetup: ["test/support/pglite-template.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: "forks",
          // Two files at a time on the two cores: vitest's default (cores - 1) ran them one by one,
          // which pushed the CI past its hour; 25 files took 352 s this way against 625 s in series.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: "postgres",
          include: ["test/**/*.test.ts"],
          exclude: ["test/server/crypto/**", "test/unit-only/**"],
          env: { TEST_STORE: "postgres", SAFE_PASSAGE_ENV: "test" },
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: "forks",
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["e2e/**/*.e2e.ts"],
          // Each suite's server starts on a copy of one empty cluster, as the unit tests' stores do.
          globalSetup: ["test/support/pglite-template.ts"],
          env: { SAFE_PASSAGE_ENV: "test" },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: "forks",
          fileParallelism: false,
        },
      },
    ],
  },
});

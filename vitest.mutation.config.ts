import { defineConfig } from "vitest/config";

/**
 * The tests StrykerJS runs for `npm run test:mutation` (stryker.config.mjs): each mutated module's own unit tests,
 * pure and server-free, so that a surviving mutant means a gap in those tests rather than luck in an end-to-end one.
 * Fuzz properties run at their default sample size (FUZZ_RUNS, 200 per property).
 */
const conditions = ["@kserve-client/source"];

const MUTATION_TESTS = [
  // codecs: src/tensor
  "test/tensor/**/*.test.ts",
  "test/fuzz/binary.fuzz.test.ts",
  "test/fuzz/json.fuzz.test.ts",
  "test/fuzz/differential.fuzz.test.ts",
  // policies
  "test/core/retry.test.ts",
  "test/internal/secrets.test.ts",
  "test/deploy/conditions.test.ts",
  "test/deploy/verdict.test.ts",
  "test/core/kserve-failures.test.ts",
  "test/core/status-codes.test.ts",
  "test/grpc/status-codes.test.ts",
  // the batching splitter
  "test/core/batch-rows.test.ts",
  "test/core/batch-policy.test.ts",
];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { name: "mutation", include: MUTATION_TESTS, environment: "node" },
});

import { defineConfig } from "vitest/config";

/**
 * The tests StrykerJS runs for `npm run test:mutation` (stryker.config.mjs): each mutated module's own unit tests,
 * pure and server-free, so that a surviving mutant means a gap in those tests rather than luck in an end-to-end one.
 * Fuzz properties run 100 cases each (FUZZ_RUNS, which scripts/test-mutation.mjs sets unless given).
 */
const conditions = ["@kserve-client/source"];

const CODEC_TESTS = [
  "test/tensor/**/*.test.ts",
  "test/fuzz/binary.fuzz.test.ts",
  "test/fuzz/json.fuzz.test.ts",
  "test/fuzz/differential.fuzz.test.ts",
];
const POLICY_TESTS = [
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
/** The pass stryker.config.mjs runs (KSERVE_MUTATION_SET): its modules' tests only, or all of them. */
const set = process.env["KSERVE_MUTATION_SET"] || undefined;
const MUTATION_TESTS =
  set === "codecs" ? CODEC_TESTS : set === "policies" ? POLICY_TESTS : [...CODEC_TESTS, ...POLICY_TESTS];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { name: "mutation", include: MUTATION_TESTS, environment: "node" },
});

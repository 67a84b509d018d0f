// @ts-check
/**
 * StrykerJS for `npm run test:mutation` (scripts/test-mutation.mjs runs it under Node 26: Stryker 10 needs Node 22+).
 * What it mutates: the codecs and the policies, the modules whose every branch is a promise to users. Each is
 * tested by its own unit tests (vitest.mutation.config.ts). Results and the survivors that remain: RELIABILITY.md.
 *
 * KSERVE_MUTATION_SET picks one of two passes (scripts/test-mutation.mjs runs both), or both at once when unset:
 * - `policies`, static mutants included: most of these modules are tables built when they load, and their own
 *   tests take a second, so a mutant that needs every test run costs little;
 * - `codecs` (src/tensor), static mutants left out: each would rerun every codec test, which would take the pass
 *   far past the half hour the whole run is meant to fit in (RELIABILITY.md has the count left out, and what they are).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const CODECS = ["src/tensor/**/*.ts", "!src/tensor/index.ts", "!src/tensor/json-value.ts"];
const POLICIES = [
  // retry and Retry-After, credentials in answers, deploy's conditions and give-up rules, error codes
  "src/core/retry.ts",
  "src/internal/secrets.ts",
  "src/deploy/conditions.ts",
  "src/deploy/verdict.ts",
  "src/errors/status-codes.ts",
  "src/grpc/status-codes.ts",
  "src/core/kserve-failures.ts",
  // the batching splitter: rows joined and cut, and how many calls a batch takes
  "src/core/batch-rows.ts",
  "src/core/batch-policy.ts",
];
const set = process.env["KSERVE_MUTATION_SET"] || undefined;
if (set !== undefined && set !== "codecs" && set !== "policies") {
  throw new Error(`KSERVE_MUTATION_SET is "${set}": expected codecs or policies, or unset for both at once.`);
}

export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: true },
  coverageAnalysis: "perTest",
  mutate: set === "codecs" ? CODECS : set === "policies" ? POLICIES : [...CODECS, ...POLICIES],
  ignoreStatic: set === "codecs",
  ignorePatterns: [".cache", "dist", "bench", "examples", "coverage", "test-artifacts", ".vitest-reports", "reports"],
  concurrency: 2,
  // A mutant that loops forever (a parser's index that no longer moves) waits out its timeout and then a test
  // runner's restart: 2 s over 1.5 times the covering tests' time, rather than Stryker's 5 s, is a minute and a
  // half less per run for some 50 of them. A correct but slower mutant is not that slow.
  timeoutMS: 2000,
  reporters: ["clear-text", "progress", "json", "html"],
  jsonReporter: { fileName: `reports/mutation/${set ?? "mutation"}.json` },
  htmlReporter: { fileName: `reports/mutation/${set ?? "mutation"}.html` },
  thresholds: { high: 90, low: 90, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};

#!/usr/bin/env node
/**
 * Counts vitest JSON reports: `node scripts/count-tests.mjs REPORT...` prints one line, "N passed, M failed", over all
 * of them (.ci/run ends with it) and exits 1 when anything failed. A missing report counts as a failure. A test file
 * that fails outside its tests (a beforeAll that threw, whose tests vitest then reports as skipped) fails no single
 * test, so such a file counts as one failure; a run that failed with nothing counted counts as one too.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * @param {{ numPassedTests: number, numFailedTests: number, success: boolean,
 *   testResults?: { status: string, assertionResults?: { status: string }[] }[] }} report
 * @returns {{ passed: number, failed: number }}
 */
export function countReport(report) {
  const fileFailures = (report.testResults ?? []).filter(
    (file) => file.status === "failed" && !(file.assertionResults ?? []).some((test) => test.status === "failed"),
  ).length;
  const failed = report.numFailedTests + fileFailures;
  return { passed: report.numPassedTests, failed: failed || (report.success ? 0 : 1) };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let passed = 0;
  let failed = 0;
  for (const file of process.argv.slice(2)) {
    if (!existsSync(file)) {
      console.error(`count-tests: no report ${file}`);
      failed += 1;
      continue;
    }
    const counts = countReport(JSON.parse(readFileSync(file, "utf8")));
    passed += counts.passed;
    failed += counts.failed;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

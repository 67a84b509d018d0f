#!/usr/bin/env node
/**
 * `npm run test:mutation`: StrykerJS (stryker.config.mjs) over the codecs and the policies, under Node 26 from the
 * runtimes cache (scripts/runtimes.mjs), since Stryker 10 needs Node 22+ and the machine's Node may be 20. Not part
 * of .ci/run: about 20 minutes on two cores. Ends with each module's mutation score, and fails when one is under the
 * threshold (90%, RELIABILITY.md).
 *
 *   node scripts/test-mutation.mjs [STRYKER ARGS]     e.g. --mutate src/core/retry.ts
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureRuntime } from "./runtimes.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const THRESHOLD = 90;

const node = await ensureRuntime("node26", { log: (line) => console.error(line) });
const stryker = join(root, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js");
const args = process.argv.slice(2);

/** One Stryker run over `set` (stryker.config.mjs): its exit status, and the report it wrote. */
async function pass(set) {
  const started = Date.now();
  const code = await new Promise((done, fail) => {
    // The walks over every 16-bit pattern take a fixed sample, and fuzz properties 100 cases rather than 200: each
    // mutant reruns the tests that reach it, instrumented (test/sampling.ts says why a sample is a floor).
    const env = { ...process.env, KSERVE_MUTATION_SAMPLE: "1", FUZZ_RUNS: process.env["FUZZ_RUNS"] ?? "100" };
    if (set === undefined) delete env["KSERVE_MUTATION_SET"];
    else env["KSERVE_MUTATION_SET"] = set;
    const child = spawn(node, [stryker, "run", ...args], { cwd: root, stdio: "inherit", env });
    child.on("error", fail);
    child.on("exit", (status, signal) => done(signal === null ? status : 1));
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`\n${set ?? "mutation"} pass: ${Math.floor(seconds / 60)} min ${seconds % 60} s`);
  if (code !== 0) process.exit(code ?? 1);
  return join(root, "reports", "mutation", `${set ?? "mutation"}.json`);
}

// With STRYKER ARGS (say, --mutate one file) one run, every mutation test in reach; without, the two passes.
const reports = args.length > 0 ? [await pass(undefined)] : [await pass("policies"), await pass("codecs")];

/** Stryker's score: mutants killed or timed out, over those that tests ran against or should have (no coverage). */
const rows = reports.flatMap((path) =>
  Object.entries(JSON.parse(readFileSync(path, "utf8")).files).map(([file, { mutants }]) => {
    const count = (...states) => mutants.filter((mutant) => states.includes(mutant.status)).length;
    const killed = count("Killed", "Timeout");
    const valid = killed + count("Survived", "NoCoverage");
    return {
      file,
      killed,
      valid,
      survived: count("Survived", "NoCoverage"),
      score: valid === 0 ? 100 : (100 * killed) / valid,
    };
  }),
);
console.log(`\nMutation score per module (killed or timed out / valid mutants; threshold ${THRESHOLD}%):`);
for (const row of rows) {
  const mark = row.score >= THRESHOLD ? " " : "!";
  console.log(
    `${mark} ${row.score.toFixed(2).padStart(6)}%  ${String(row.killed).padStart(4)}/${String(row.valid).padEnd(4)}  ${row.file}`,
  );
}
const below = rows.filter((row) => row.score < THRESHOLD);
if (below.length > 0) {
  console.log(`${below.length} module(s) under ${THRESHOLD}%.`);
  process.exit(1);
}

#!/usr/bin/env node
/**
 * `npm run test:mutation`: StrykerJS (stryker.config.mjs) over the codecs and the policies, under Node 26 from the
 * runtimes cache (scripts/runtimes.mjs), since Stryker 10 needs Node 22+ and the machine's Node may be 20. Two
 * passes, `policies` then `codecs` (stryker.config.mjs says how they differ); not part of .ci/run: about half an
 * hour on two cores (RELIABILITY.md has the figures). Ends with each module's mutation score, and fails when one is
 * under the threshold (90%).
 *
 *   node scripts/test-mutation.mjs [STRYKER ARGS]
 *   KSERVE_MUTATION_SET=codecs node scripts/test-mutation.mjs --mutate src/tensor/packed.ts
 *
 * KSERVE_MUTATION_SET=codecs|policies runs that pass alone. `--mutate` (or `-m`) without it runs one pass over the
 * files given, with every mutation test in reach and static mutants included.
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureRuntime } from "./runtimes.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const THRESHOLD = 90;

const node = await ensureRuntime("node26", { log: (line) => console.error(line) });
const stryker = join(root, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js");
const args = process.argv.slice(2);
const SETS = ["policies", "codecs"];
const chosen = process.env["KSERVE_MUTATION_SET"] || undefined;
if (chosen !== undefined && !SETS.includes(chosen)) {
  console.error(`KSERVE_MUTATION_SET is "${chosen}": expected one of ${SETS.join(", ")}, or unset for both passes.`);
  process.exit(2);
}

/** One Stryker run over `set` (stryker.config.mjs): its exit status, and the report it wrote. */
async function pass(set) {
  const report = join(root, "reports", "mutation", `${set ?? "mutation"}.json`);
  rmSync(report, { force: true }); // never score a report an earlier run left
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
  return report;
}

const mutate = args.some((arg) => arg === "--mutate" || arg === "-m" || arg.startsWith("--mutate="));
const sets = chosen !== undefined ? [chosen] : mutate ? [undefined] : SETS;
const reports = [];
for (const set of sets) reports.push(await pass(set));

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

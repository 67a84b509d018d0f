#!/usr/bin/env node
/**
 * `npm run test:runtimes`: the runtime matrix. `npm test` is the machine's Node; each entry here is a vitest run:
 *
 *   node22, node24, node26  the unit (with e2e) and edge projects under that Node
 *   others                  the runtimes project (test/runtimes) under the machine's Node: the packed package's import
 *                           checks on Node 22/24/26, its universal entries in Bun and in Deno, examples/edge in workerd
 *                           and under `deno serve`, each a real process of that runtime
 *
 * The runtimes come at pinned versions from the npm registry (scripts/runtimes.mjs), fetched first, all at once. One
 * that cannot be fetched fails its entry, or its tests in the runtimes project: nothing passes without having run.
 *
 *   node scripts/test-runtimes.mjs [--reports DIR] [--jobs N] [ENTRY ...] [-- VITEST ARGS]
 *
 * --reports DIR  writes each entry's vitest JSON report to DIR/<entry>.json (.ci/run counts them)
 * --jobs N       entries run at once (default 2): one vitest run keeps about one of two cores busy
 * Without ENTRY, all of them. Each entry's output is printed whole when it ends; a summary with each entry's duration,
 * and each runtimes file's, ends the output.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { countReport } from "./count-tests.mjs";
import { ensureRuntime } from "./runtimes.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
const durationsReporter = join(root, "test", "runtimes", "durations.reporter.ts");

const NODE_PROJECTS = ["--project", "unit", "--project", "edge"];
/** @type {Record<string, { runtime?: string, needs: string[], args: string[] }>} */
const ENTRIES = {
  node22: { runtime: "node22", needs: ["node22"], args: NODE_PROJECTS },
  node24: { runtime: "node24", needs: ["node24"], args: NODE_PROJECTS },
  node26: { runtime: "node26", needs: ["node26"], args: NODE_PROJECTS },
  others: { needs: ["node22", "node24", "node26", "bun", "deno", "workerd"], args: ["--project", "runtimes"] },
};

const options = parseArgs(process.argv.slice(2));
const reports = options.reports ?? (await mkdtemp(join(tmpdir(), "kserve-client-runtimes-reports-")));
await mkdir(reports, { recursive: true });

// Every runtime the chosen entries need, fetched at once (the runtimes project asks again and gets the cache).
const fetched = new Map(
  await Promise.all(
    [...new Set(options.entries.flatMap((name) => ENTRIES[name].needs))].map(async (name) => [
      name,
      await ensureRuntime(name, { log: (line) => console.error(line) }).then(
        (bin) => ({ bin }),
        (error) => ({ error: error instanceof Error ? error.message : String(error) }),
      ),
    ]),
  ),
);

const queue = [...options.entries];
const results = [];
await Promise.all(
  Array.from({ length: Math.min(options.jobs, queue.length) }, async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) results.push(await runEntry(name));
  }),
);

console.log("\n::: runtime matrix (each entry's wall time; the runtimes files' with their hooks)");
for (const name of options.entries) {
  const { code, seconds, report } = results.find((result) => result.name === name);
  const counts = existsSync(report) ? summary(report) : undefined;
  const status = code === 0 ? "ok" : `FAILED (exit ${code})`;
  console.log(
    `${name.padEnd(8)} ${`${seconds.toFixed(0)} s`.padStart(6)}  ${status}${counts ? `  ${counts.line}` : ""}`,
  );
  for (const file of counts?.files ?? []) console.log(`           ${file}`);
}
if (options.reports === undefined) await rm(reports, { recursive: true, force: true });
process.exitCode = results.every(({ code }) => code === 0) ? 0 : 1;

/** Runs one entry, its output held until it ends; resolves with its exit code and duration. */
async function runEntry(name) {
  const entry = ENTRIES[name];
  const report = join(reports, `${name}.json`);
  const started = Date.now();
  const title = `${name}: vitest run ${entry.args.join(" ")} under ${entry.runtime ?? `the machine's Node (${process.version})`}`;
  console.log(`::: started ${title}`);
  const missing = entry.needs.map((runtime) => fetched.get(runtime)).find((result) => result.error !== undefined);
  let code;
  let output;
  if (entry.runtime !== undefined && missing !== undefined) {
    // No run at all: a report that counts as a failed file, so that the count cannot miss it.
    await writeFile(report, JSON.stringify(failedReport(name, missing.error)));
    [code, output] = [1, `${missing.error}\n`];
  } else {
    const bin = entry.runtime === undefined ? process.execPath : fetched.get(entry.runtime).bin;
    const reporters = ["--reporter=default", "--reporter=json", `--outputFile.json=${report}`];
    const durations = report.replace(/\.json$/, ".durations.json");
    [code, output] = await run(
      bin,
      [vitest, "run", ...entry.args, ...reporters, `--reporter=${durationsReporter}`, ...options.vitestArgs],
      { KSERVE_DURATIONS: durations },
    );
  }
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`\n::: ${title}\n${output}::: ${name} ended after ${seconds.toFixed(0)} s (exit ${code})\n`);
  return { name, code, seconds, report };
}

function parseArgs(argv) {
  const dash = argv.indexOf("--");
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const parsed = { reports: undefined, jobs: 2, entries: [], vitestArgs: dash < 0 ? [] : argv.slice(dash + 1) };
  for (let i = 0; i < own.length; i++) {
    if (own[i] === "--reports") parsed.reports = resolve(own[++i] ?? usage("--reports needs a directory"));
    else if (own[i] === "--jobs") parsed.jobs = Number(own[++i]);
    else if (Object.hasOwn(ENTRIES, own[i])) parsed.entries.push(own[i]);
    else usage(`unknown entry or option ${JSON.stringify(own[i])}`);
  }
  if (!(Number.isInteger(parsed.jobs) && parsed.jobs > 0)) usage("--jobs needs a whole number above 0");
  if (parsed.entries.length === 0) parsed.entries = Object.keys(ENTRIES);
  return parsed;
}

function usage(message) {
  console.error(`test-runtimes: ${message}; entries: ${Object.keys(ENTRIES).join(", ")}`);
  process.exit(2);
}

/** Runs vitest with the given Node; resolves with its exit code and everything it printed. */
function run(node, args, extraEnv) {
  const env = { ...process.env, ...extraEnv, FORCE_COLOR: process.stdout.isTTY ? "1" : "0" };
  delete env["NODE_OPTIONS"]; // flags meant for the Node running npm may not suit another one
  return new Promise((resolvePromise) => {
    const chunks = [];
    const child = spawn(node, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk) => chunks.push(chunk));
    child.stderr.on("data", (chunk) => chunks.push(chunk));
    child.on("error", (error) => chunks.push(Buffer.from(`test-runtimes: ${node}: ${error.message}\n`)));
    child.on("close", (code, signal) => resolvePromise([code ?? (signal ? 1 : 0), Buffer.concat(chunks).toString()]));
  });
}

/** A vitest-shaped JSON report for an entry that could not run: one failed file, no test. */
function failedReport(name, message) {
  return {
    numPassedTests: 0,
    numFailedTests: 0,
    numFailedTestSuites: 1,
    success: false,
    testResults: [{ name, status: "failed", message, assertionResults: [] }],
  };
}

/** Counts from a JSON report, and each runtimes test file's duration with its hooks (durations.reporter.ts). */
function summary(file) {
  const { passed, failed } = countReport(JSON.parse(readFileSync(file, "utf8")));
  const durationsFile = file.replace(/\.json$/, ".durations.json");
  const durations = existsSync(durationsFile) ? JSON.parse(readFileSync(durationsFile, "utf8")) : {};
  const files = Object.entries(durations)
    .filter(([path]) => path.startsWith("test/runtimes/"))
    .map(([path, seconds]) => `${path.padEnd(36)} ${`${seconds.toFixed(1)} s`.padStart(7)}`);
  return { line: `${passed} passed, ${failed} failed`, files };
}

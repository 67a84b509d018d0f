#!/usr/bin/env node
/**
 * Finds (installing if needed) a Node 24 binary, so the built package can be checked on the next LTS as well
 * as on the Node that runs the tests.
 *
 * The binary comes from npm's `node@24` package, the one registry every machine of this project reaches; it
 * ships the real executable at node_modules/node/bin/node even when npm skips its preinstall script. It is
 * installed into <repo>/.cache/node24 (git-ignored), never as a dependency of the repo: a `node` in the
 * repo's node_modules/.bin would shadow the system node in every npm script.
 *
 *   import { ensureNode24 } from "./scripts/ensure-node24.mjs";  const bin = await ensureNode24();
 *   node scripts/ensure-node24.mjs        # prints the path; install progress goes to stderr
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The cache directory, relative to this script so it does not depend on the caller's cwd. */
export const NODE24_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", ".cache", "node24");

const MAJOR = 24;

/**
 * @param {{ dir?: string, installTimeoutMs?: number, log?: (line: string) => void }} [options]
 * @returns {Promise<string>} absolute path of a Node 24 executable
 */
export async function ensureNode24(options = {}) {
  const { dir = NODE24_DIR, installTimeoutMs = 300_000, log = () => {} } = options;
  const bin = binIn(dir);
  if (!existsSync(bin)) await install(dir, installTimeoutMs, log);

  let version;
  try {
    version = (await run(bin, ["--version"], 30_000)).stdout.trim();
  } catch (error) {
    throw new Error(`ensure-node24: ${bin} does not run (${errorText(error)}). Delete ${dir} and try again.`);
  }
  if (!version.startsWith(`v${MAJOR}.`)) {
    throw new Error(
      `ensure-node24: ${bin} reports ${version || "no version"}, expected v${MAJOR}.x. Delete ${dir} and try again.`,
    );
  }
  return bin;
}

function binIn(dir) {
  return join(dir, "node_modules", "node", "bin", "node");
}

/**
 * Installs into a private sibling directory and renames it into place, so that an interrupted install never
 * leaves a half-filled cache behind and two concurrent callers cannot write into the same node_modules.
 */
async function install(dir, timeoutMs, log) {
  const staging = `${dir}.staging-${process.pid}-${Date.now()}`;
  log(`ensure-node24: installing node@${MAJOR} into ${dir}`);
  await mkdir(staging, { recursive: true });
  try {
    await run("npm", ["install", "--prefix", staging, `node@${MAJOR}`, "--no-audit", "--no-fund"], timeoutMs);
    if (!existsSync(binIn(staging))) {
      throw new Error(
        `ensure-node24: npm installed node@${MAJOR} but ${binIn(staging)} is missing; the package layout may have changed.`,
      );
    }
    if (existsSync(binIn(dir))) return; // another caller finished first
    // A directory without the binary is a leftover of some older, broken attempt.
    await rm(dir, { recursive: true, force: true });
    try {
      await rename(staging, dir);
    } catch (error) {
      if (!existsSync(binIn(dir))) throw error;
    }
  } catch (error) {
    throw new Error(`ensure-node24: could not install node@${MAJOR} into ${dir}: ${errorText(error)}`);
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
  ensureNode24({ log: (line) => process.stderr.write(`${line}\n`) }).then(
    (bin) => process.stdout.write(`${bin}\n`),
    (error) => {
      process.stderr.write(`${errorText(error)}\n`);
      process.exitCode = 1;
    },
  );
}

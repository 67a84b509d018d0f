import { execFile, spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PROBES_DIR = fileURLToPath(new URL("./probes/", import.meta.url));

export interface RunResult {
  /** Exit code; only non-zero when `allowFailure` was set. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Resolve with the exit code instead of rejecting on a non-zero exit (timeouts still reject). */
  allowFailure?: boolean;
}

/** Runs a program without a shell; rejects with the command, the reason and the tail of its output. */
export function run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const { cwd = REPO_ROOT, timeoutMs, env = process.env, allowFailure = false } = options;
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ code: 0, stdout, stderr });
        return;
      }
      const code = typeof error.code === "number" ? error.code : undefined;
      if (allowFailure && code !== undefined && !error.killed) {
        resolve({ code, stdout, stderr });
        return;
      }
      const why = error.killed ? `timed out after ${timeoutMs} ms` : code === undefined ? error.message : `exit code ${code}`;
      const command = [file, ...args].join(" ");
      reject(new Error(`\`${command}\` in ${cwd}: ${why}\n--- stdout\n${tail(stdout)}\n--- stderr\n${tail(stderr)}`));
    });
  });
}

/**
 * Runs a program with its stdout going to a file rather than a pipe, for programs that exit right after writing
 * more than a pipe holds (a pipe loses what was not drained). Resolves with the exit code and both outputs.
 */
export async function runToFile(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), "kserve-client-out-"));
  const out = join(dir, "stdout");
  const fd = openSync(out, "w");
  try {
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve, reject) => {
      const child = spawn(file, args, { cwd: REPO_ROOT, env: options.env ?? process.env, stdio: ["ignore", fd, "pipe"] });
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`${file} timed out after ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      child.on("error", reject);
      child.on("close", (exit) => {
        clearTimeout(timer);
        resolve({ code: exit ?? -1, stderr });
      });
    });
    return { code, stdout: await readFile(out, "utf8"), stderr };
  } finally {
    closeSync(fd);
    await rm(dir, { recursive: true, force: true });
  }
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * The environment for probe processes: NODE_OPTIONS is dropped so that neither the test runner's flags nor a
 * developer's reach the Node under test (Node 24 also rejects some flags Node 20 accepts).
 */
export function probeEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env["NODE_OPTIONS"];
  return env;
}

export interface PackedPackage {
  /** The tarball `npm pack` wrote (once, for the whole dist project). */
  tarball: string;
  /** A throwaway project that has the tarball installed as a dependency, with the probes copied in. */
  consumerDir: string;
  /** The package as installed: consumerDir/node_modules/kserve-client. */
  installedDir: string;
  /** The installed package.json. */
  manifest: { name: string; exports: Record<string, unknown> };
  /** Removes every temporary directory made here. */
  cleanup(): Promise<void>;
}

/**
 * Installs the tarball the dist project's global setup packed (pack.global.ts) into a fresh consumer project,
 * with the optional peers.
 */
export async function packAndInstall(): Promise<PackedPackage> {
  const root = await mkdtemp(join(tmpdir(), "kserve-client-dist-"));
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    const consumerDir = join(root, "consumer");
    await installConsumer(inject("kserveTarball"), consumerDir);
    return { ...(await withProbes(inject("kserveTarball"), consumerDir)), cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * A consumer project that installConsumer made, with the probes copied in, as a PackedPackage whose `cleanup` leaves
 * it in place (its owner removes it).
 */
export async function withProbes(tarball: string, consumerDir: string): Promise<PackedPackage> {
  for (const probe of await readdir(PROBES_DIR)) await copyFile(join(PROBES_DIR, probe), join(consumerDir, probe));
  const installedDir = join(consumerDir, "node_modules", "kserve-client");
  const manifest = JSON.parse(await readFile(join(installedDir, "package.json"), "utf8")) as PackedPackage["manifest"];
  return { tarball, consumerDir, installedDir, manifest, cleanup: async () => {} };
}

/**
 * The optional peers, as a user of those entries installs them: msw (kserve-client/testing), connect and protobuf
 * (kserve-client/grpc), connect-node (createNodeGrpcTransport, the mock's gRPC server), connect-web (gRPC-web), the
 * OpenTelemetry API (kserve-client/otel).
 */
const PEERS = [
  "msw@2",
  "@connectrpc/connect@~2.1.2",
  "@connectrpc/connect-node@~2.1.2",
  "@connectrpc/connect-web@~2.1.2",
  "@bufbuild/protobuf@~2.13.0",
  "@opentelemetry/api@~1.9.0", // OpenTelemetry's SDK 2.12 takes api < 1.10
];

/** Makes `consumerDir`, a project with the tarball and the optional peers installed from the registry. */
export async function installConsumer(tarball: string, consumerDir: string): Promise<void> {
  await mkdir(consumerDir, { recursive: true });
  await writeFile(
    join(consumerDir, "package.json"),
    `${JSON.stringify({ name: "kserve-client-dist-consumer", version: "0.0.0", private: true }, null, 2)}\n`,
  );
  await run("npm", ["install", tarball, ...PEERS, "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: consumerDir,
    timeoutMs: 300_000,
  });
}

/**
 * A second consumer project beside `pkg`'s (so `pkg.cleanup()` removes it too) with the same tarball installed and
 * none of the optional peers, as a user who has not installed them has it; the probes are copied in. Returns its
 * directory.
 */
export async function installWithoutPeers(pkg: PackedPackage): Promise<string> {
  const consumerDir = join(dirname(pkg.consumerDir), "consumer-without-peers");
  await mkdir(consumerDir);
  await writeFile(
    join(consumerDir, "package.json"),
    `${JSON.stringify({ name: "kserve-client-dist-consumer-without-peers", version: "0.0.0", private: true }, null, 2)}\n`,
  );
  await run("npm", ["install", pkg.tarball, "--no-audit", "--no-fund", "--prefer-offline"], { cwd: consumerDir, timeoutMs: 300_000 });
  for (const probe of await readdir(PROBES_DIR)) await copyFile(join(PROBES_DIR, probe), join(consumerDir, probe));
  return consumerDir;
}

/** A runtime's binary, and the version scripts/runtimes.mjs pins it at. */
export interface RuntimeBinary {
  path: string;
  version: string;
}

/**
 * A runtime of the matrix (scripts/runtimes.mjs: node22, node24, node26, bun, deno, workerd) at its pinned version,
 * fetched from the npm registry into .cache/runtimes on first use; through the script's CLI so that its CLI mode is
 * exercised too. Rejects, saying why, when it cannot be fetched: the test that needs it fails.
 */
export async function runtimeBinary(name: string): Promise<RuntimeBinary> {
  const { stdout } = await run(process.execPath, [join(REPO_ROOT, "scripts", "runtimes.mjs"), name], {
    // Above the script's own 300 s install limit, below the projects' 600 s hook timeout.
    timeoutMs: 400_000,
    env: probeEnv(),
  });
  const [reported, version, path] = stdout.trim().split("\t");
  if (reported !== name || version === undefined || path === undefined) {
    throw new Error(`scripts/runtimes.mjs ${name} printed ${JSON.stringify(stdout)}`);
  }
  return { path, version };
}

/**
 * The subpaths a consumer can import: every key of `exports` but "./package.json". Patterns ("./x/*") name no
 * single module, so they are rejected rather than silently left unchecked.
 */
export function importableSubpaths(manifest: PackedPackage["manifest"]): string[] {
  const subpaths = Object.keys(manifest.exports).filter((key) => key !== "./package.json");
  const patterns = subpaths.filter((key) => key.includes("*"));
  if (patterns.length > 0) {
    throw new Error(`test/dist cannot enumerate pattern exports ${JSON.stringify(patterns)}; list their modules explicitly`);
  }
  return subpaths;
}

export interface Int64Report {
  dataTag: string;
  values: string[];
  json: string;
}

export interface EntryReport {
  /** The file the specifier resolved to. */
  file?: string;
  exportNames?: string[];
  /** Present when the entry exports `Tensor`. */
  int64?: Int64Report;
  /** The stack of whatever loading the entry threw. */
  error?: string;
}

export interface ExportsReport {
  node: string;
  entries: Record<string, EntryReport>;
}

export interface SeenBy {
  isKServeError: boolean;
  instanceofKServeError: boolean;
  instanceofValidationError: boolean;
  instanceofProtocolError: boolean;
}

export interface DualReport {
  node: string;
  files: { esm: string; cjs: string };
  distinctCopies: Record<"KServeError" | "ValidationError" | "ProtocolError", boolean>;
  madeBy: Record<"validationFromCjs" | "validationFromEsm" | "protocolFromCjs" | "protocolFromEsm", boolean>;
  validationFromCjs: { code: string; seenByEsm: SeenBy };
  validationFromEsm: { code: string; seenByCjs: SeenBy };
  protocolFromCjs: { seenByEsm: SeenBy };
  protocolFromEsm: { seenByCjs: SeenBy };
  plainError: { seenByEsm: SeenBy; seenByCjs: SeenBy };
  sameClassesAsRoot: { esm: Record<string, boolean>; cjs: Record<string, boolean> };
}

export type Probe = "exports.mjs" | "exports.cjs" | "dual.mjs" | "no-peers.mjs" | "no-peers.cjs";

/** Runs one of test/dist/probes (copied into the consumer project) with the given Node and parses its report. */
export async function runProbe<T>(
  node: string,
  pkg: PackedPackage,
  probe: Probe,
  subpaths: readonly string[],
): Promise<T> {
  const { stdout } = await run(node, [probe, JSON.stringify(subpaths)], {
    cwd: pkg.consumerDir,
    timeoutMs: 60_000,
    env: probeEnv(),
  });
  return JSON.parse(stdout) as T;
}

/**
 * Checks of the package as users get it: `npm pack` (which builds), installed into a throwaway project, then
 * linted (publint, attw) and loaded through its exports map with import() and require(), on the Node running
 * the tests (import-checks.ts; `npm run test:runtimes` runs them on Node 22, 24 and 26).
 */
import { isBuiltin } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ExportsReport,
  importableSubpaths,
  installWithoutPeers,
  type PackedPackage,
  packAndInstall,
  probeEnv,
  REPO_ROOT,
  run,
  runToFile,
} from "./helpers.js";
import { describeImportChecks, loadProblems } from "./import-checks.js";

let packed: PackedPackage | undefined;

beforeAll(async () => {
  packed = await packAndInstall();
});

afterAll(async () => {
  await packed?.cleanup();
});

function pkg(): PackedPackage {
  if (packed === undefined) throw new Error("the package was not packed (see the beforeAll error)");
  return packed;
}

function subpaths(): string[] {
  return importableSubpaths(pkg().manifest);
}

const bin = (name: string) => join(REPO_ROOT, "node_modules", ".bin", name);
const noColor = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };

describe("packed tarball", () => {
  it("installs with an exports map that names . and ./tensor", () => {
    expect(pkg().manifest.name).toBe("kserve-client");
    expect(subpaths()).toEqual(expect.arrayContaining([".", "./tensor"]));
  });

  it("passes publint --strict with no errors or warnings", async () => {
    const args = ["run", pkg().tarball, "--strict", "--level", "warning"];
    const { code, stdout, stderr } = await run(bin("publint"), args, {
      timeoutMs: 120_000,
      env: noColor,
      allowFailure: true,
    });
    const output = `${stdout}\n${stderr}`;
    expect(code, output).toBe(0);
    expect(output).not.toMatch(/Errors:|Warnings:/);
    expect(output).toContain("All good!");
  });

  it("has types that resolve for every entry under node10, node16 (from CJS and ESM) and bundler (attw)", async () => {
    // --no-definitely-typed: the package ships its own types, so @types must play no part.
    const args = [pkg().tarball, "--format", "json", "--no-definitely-typed"];
    // Into a file: attw exits right after writing its JSON, and a pipe loses what it had not drained (the report is
    // over 200 KB).
    const { code, stdout, stderr } = await runToFile(bin("attw"), args, { env: noColor, timeoutMs: 120_000 });
    expect([0, 1], `attw crashed:\n${stderr}`).toContain(code);

    interface Problem {
      kind: string;
      entrypoint?: string;
      resolutionKind?: string;
    }
    const { analysis } = JSON.parse(stdout) as {
      analysis: { types: false | { kind: string }; entrypoints: Record<string, unknown>; problems?: Problem[] };
    };
    // An untyped package has no problems to report, so "no problems" only means something once types are found.
    expect(analysis.types).toEqual({ kind: "included" });
    expect(Object.keys(analysis.entrypoints)).toEqual(expect.arrayContaining(subpaths()));

    // The default (strict) profile also resolves like TypeScript's legacy `node10`, which ignores `exports`:
    // package.json's typesVersions serves those users, and this keeps it in step with the exports map.
    expect(analysis.problems ?? []).toEqual([]);
    expect(code, "attw's exit code disagrees with the problems it listed").toBe(0);
  });
});

describe("bundled from the tarball by esbuild, as users' bundlers do", () => {
  // esbuild is what Vite, tsup and many edge toolchains run. A bundler that honours `"sideEffects": false`
  // warns about every import it drops. esbuild keeps quiet about code under node_modules, but not about a
  // package linked from a workspace (npm/pnpm workspaces, `npm link`), whose real path is outside it: so the
  // bundle is made from this repository's own dist (just built by `npm pack`), reached by the package's name
  // through its exports map as a linked package is.
  for (const platform of ["browser", "node"] as const) {
    it(`every subpath bundles for ${platform} with no warnings`, async () => {
      const { build } = await import("esbuild");
      const entries = subpaths();
      const result = await build({
        stdin: {
          contents: entries.map((subpath, i) => `export * as e${i} from ${JSON.stringify(`kserve-client${subpath.slice(1)}`)};`).join("\n"),
          resolveDir: REPO_ROOT,
          loader: "js",
        },
        bundle: true,
        write: false,
        format: "esm",
        platform,
        logLevel: "silent",
        // What the package imports itself stays out: only the package's own files are under test.
        external: ["zod", "undici", "@connectrpc/*", "@bufbuild/*", "@kubernetes/*", "msw", "node:*"],
      });
      const warnings = result.warnings.map((w) => `${w.id}: ${w.text} (${w.location?.file ?? "?"})`);
      expect(warnings).toEqual([]);
      expect(entries.length).toBeGreaterThan(5);
    });
  }
});

describeImportChecks(
  `current Node (${process.version})`,
  () => process.execPath,
  new RegExp(`^${process.version.replaceAll(".", "\\.")}$`),
  pkg,
);

describe("installed without the optional peers", () => {
  // A user who installs only kserve-client: each entry loads, and what needs a peer says which and how to install
  // it (a ConfigError), never the loader's raw "Cannot find package". Only ./grpc/descriptors, protobuf's own
  // descriptors, needs @bufbuild/protobuf to load.
  const PEERS = ["msw", "@connectrpc/connect", "@connectrpc/connect-node", "@connectrpc/connect-web", "@bufbuild/protobuf", "@kubernetes/client-node", "@opentelemetry/api"];
  const LOADER_ERROR = /ERR_MODULE_NOT_FOUND|MODULE_NOT_FOUND|Cannot find (?:module|package)/;
  let dir: string | undefined;

  beforeAll(async () => {
    dir = await installWithoutPeers(pkg());
  });

  function consumer(): string {
    if (dir === undefined) throw new Error("the project without peers was not installed (see the beforeAll error)");
    return dir;
  }

  /** Runs a probe there with the current Node; its report and everything it printed. */
  async function probe<T>(file: string, args: string[] = []): Promise<{ report: T; output: string }> {
    const { stdout, stderr } = await run(process.execPath, [file, ...args], { cwd: consumer(), timeoutMs: 60_000, env: probeEnv() });
    return { report: JSON.parse(stdout) as T, output: `${stdout}\n${stderr}` };
  }

  it("has none of the peers", async () => {
    const { existsSync } = await import("node:fs");
    expect(PEERS.filter((name) => existsSync(join(consumer(), "node_modules", name)))).toEqual([]);
  });

  it("import() and require() load every entry but ./grpc/descriptors and ./otel, which need their peer", async () => {
    const entries = subpaths();
    const [esm, cjs] = await Promise.all([probe<ExportsReport>("exports.mjs", [JSON.stringify(entries)]), probe<ExportsReport>("exports.cjs", [JSON.stringify(entries)])]);
    const withoutPeers = entries.filter((subpath) => subpath !== "./grpc/descriptors" && subpath !== "./otel");
    expect(loadProblems(esm.report, withoutPeers)).toEqual([]);
    expect(loadProblems(cjs.report, withoutPeers)).toEqual([]);
    expect(esm.report.entries["./grpc/descriptors"]?.error).toContain("@bufbuild/protobuf");
    expect(esm.report.entries["./otel"]?.error).toContain("@opentelemetry/api");
    expect(cjs.report.entries["./otel"]?.error).toContain("@opentelemetry/api");
  });

  for (const file of ["no-peers.mjs", "no-peers.cjs"]) {
    it(`${file}: startMockKServe serves V2 REST; createKServeHandlers and a gRPC call are ConfigErrors that say what to install`, async () => {
      interface Outcome {
        threw: boolean;
        configError?: boolean;
        code?: string;
        message?: string;
      }
      const { report, output } = await probe<{ mock: { grpcUrl: string | null; classes: string[] }; handlers: Outcome; grpc: Outcome }>(file);
      expect(report.mock).toEqual({ grpcUrl: null, classes: ["0", "2"] });
      expect(report.handlers).toEqual({
        threw: true,
        configError: true,
        code: "invalid_argument",
        message: expect.stringMatching(/createKServeHandlers needs msw \(.*\): npm install --save-dev msw@2/),
      });
      expect(report.grpc).toEqual({
        threw: true,
        configError: true,
        code: "invalid_argument",
        message: expect.stringMatching(/kserve-client\/grpc needs @connectrpc\/connect and @bufbuild\/protobuf \(.*\): npm install @connectrpc\/connect @bufbuild\/protobuf/),
      });
      expect(output).not.toMatch(LOADER_ERROR);
    });
  }
});

describe("what browsers and edge runtimes load", () => {
  /** Every file an ESM entry reaches through relative imports, with the bare specifiers those files import. */
  async function reach(entry: string): Promise<{ files: string[]; bare: Set<string> }> {
    const { readFile } = await import("node:fs/promises");
    const { dirname, resolve } = await import("node:path");
    const files: string[] = [];
    const bare = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (files.includes(file)) return;
      files.push(file);
      const source = await readFile(file, "utf8");
      for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
        if (specifier!.startsWith(".")) await visit(resolve(dirname(file), specifier!));
        else bare.add(specifier!);
      }
    };
    await visit(entry);
    return { files, bare };
  }

  it("the universal entries and the browser build of ./node import no Node built-in and no undici", async () => {
    const exportsMap = pkg().manifest.exports as Record<string, Record<string, { default: string } | Record<string, { default: string }>>>;
    const universal: [string, string][] = [];
    // ARCHITECTURE.md's universal entries, and the browser builds of ./node and ./testing (whose Node build starts servers).
    for (const subpath of subpaths()) {
      const conditions = exportsMap[subpath]!;
      const browser = conditions["browser"] as Record<string, { default: string }> | undefined;
      if (subpath === "./testing") expect(browser, "./testing has a browser build").toBeDefined();
      const target = (browser ?? conditions)["import"] as { default: string };
      universal.push([subpath, target.default]);
    }
    for (const [subpath, file] of universal) {
      const { bare } = await reach(join(pkg().installedDir, file));
      const nodeOnly = [...bare].filter((s) => isBuiltin(s) || s === "undici" || s.startsWith("undici/"));
      expect(nodeOnly, `${subpath} (${file})`).toEqual([]);
    }
    expect(universal.map(([s]) => s)).toEqual(expect.arrayContaining([".", "./tensor", "./v1", "./v2", "./grpc", "./node", "./testing"]));
  });

  it("the browser stub of ./node has the same exports as the real one, and says what is wrong when called", async () => {
    const dir = join(pkg().installedDir, "dist", "node");
    const real = (await import(join(dir, "index.js"))) as Record<string, unknown>;
    const stub = (await import(join(dir, "index.browser.js"))) as Record<string, (...args: unknown[]) => unknown>;
    expect(Object.keys(stub).sort()).toEqual(Object.keys(real).sort());
    expect(() => stub["createNodeHttpClient"]!()).toThrow(/needs Node\.js/);
    expect(() => stub["createIngressFetch"]!({ host: "qwen.kserve-test.example.com" })).toThrow(/needs Node\.js/);
  });

  it("the browser build of ./testing has the same exports as the Node one; its mock servers say what to use instead", async () => {
    const dir = join(pkg().installedDir, "dist", "testing");
    const real = (await import(join(dir, "index.js"))) as Record<string, unknown>;
    const browser = (await import(join(dir, "index.browser.js"))) as Record<string, (...args: unknown[]) => Promise<unknown>>;
    expect(Object.keys(browser).sort()).toEqual(Object.keys(real).sort());
    await expect(browser["startMockKServe"]!()).rejects.toThrow(/needs Node\.js.*setupWorker/);
    await expect(browser["startMockCluster"]!()).rejects.toThrow(/needs Node\.js.*setupWorker/);
    expect(typeof browser["createKServeHandlers"]).toBe("function");
  });
});

/**
 * The layering rules of ARCHITECTURE.md are enforced by dependency-cruiser (.dependency-cruiser.cjs). These
 * tests show that each rule fires on a tree that breaks it, and that the real src breaks none.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const depcruise = join(repo, "node_modules/.bin/depcruise");
const config = join(repo, ".dependency-cruiser.cjs");

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

function cruise(cwd: string): Violation[] {
  let out: string;
  try {
    out = execFileSync(depcruise, ["src", "--config", config, "--output-type", "json"], {
      cwd,
      encoding: "utf8",
      timeout: 60_000,
    });
  } catch (error) {
    out = (error as { stdout: string }).stdout; // exits non-zero when it finds violations
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "kc-deps-"));
  temps.push(dir);
  writeFileSync(join(dir, "tsconfig.json"), readFileSync(join(repo, "tsconfig.json")));
  symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

// dependency-cruiser parses every module with TypeScript: seconds on a loaded 2-core machine, past vitest's 5 s.
describe("dependency rules", { timeout: 60_000 }, () => {
  it("the project's own src breaks none of them", () => {
    expect(cruise(repo)).toEqual([]);
  });

  it("each rule fires on a tree that breaks it, and only there", () => {
    const dir = tree({
      "src/tensor/ok.ts": 'import { x } from "./sibling.js";\nexport const y = x;\n',
      "src/tensor/sibling.ts": "export const x = 1;\n",
      "src/tensor/imports-core.ts": 'import { c } from "../core/c.js";\nexport const t = c;\n',
      "src/tensor/imports-package.ts": 'import fc from "fast-check";\nexport const t = fc;\n',
      "src/tensor/imports-node.ts": 'import { readFileSync } from "node:fs";\nexport const t = readFileSync;\n',
      "src/core/c.ts": "export const c = 1;\n",
      "src/core/imports-testing.ts": 'import { m } from "../testing/m.js";\nexport const c2 = m;\n',
      "src/core/imports-node.ts": 'import { request } from "node:http";\nexport const c3 = request;\n',
      "src/node/http.ts": 'import { request } from "node:http";\nexport const n = request;\n',
      "src/testing/m.ts": "export const m = 1;\n",
      "src/v1/imports-v2.ts": 'import { v } from "../v2/v.js";\nexport const w = v;\n',
      "src/v2/v.ts": 'import { u } from "./u.js";\nexport const v = u;\n',
      "src/v2/u.ts": "export const u = 1;\nexport type U = number;\n",
      "src/grpc/types-only.ts": 'import type { U } from "../v2/u.js";\nexport const g: U = 1;\n',
      "src/grpc/value.ts": 'import { u } from "../v2/u.js";\nexport const g2 = u;\n',
      "src/core/a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
      "src/core/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
      "src/core/missing.ts": 'import { z } from "./does-not-exist.js";\nexport const q = z;\n',
      "src/deploy/cluster.node.ts":
        'import { KubeConfig } from "@kubernetes/client-node";\nimport { readFileSync } from "node:fs";\nexport const k = [KubeConfig, readFileSync];\n',
      "src/deploy/universal.ts":
        'import { KubeConfig } from "@kubernetes/client-node";\nimport { readFileSync } from "node:fs";\nexport const k = [KubeConfig, readFileSync];\n',
      "src/deploy/d.ts": "export const d = 1;\n",
      "src/errors/e.ts": "export const e = 1;\n",
      "src/errors/imports-tensor.ts": 'import { x } from "../tensor/sibling.js";\nexport const e2 = x;\n',
      "src/tensor/imports-errors.ts": 'import { e } from "../errors/e.js";\nexport const t2 = e;\n',
      "src/core/imports-deploy.ts": 'import { d } from "../deploy/d.js";\nexport const c4 = d;\n',
      "src/core/imports-allowed.ts":
        'import { e } from "../errors/e.js";\nimport { x } from "../tensor/sibling.js";\nimport { i } from "../internal/i.js";\nexport const c5 = [e, x, i];\n',
      "src/internal/i.ts": 'import { e } from "../errors/e.js";\nexport const i = e;\n',
      "src/internal/imports-core.ts": 'import { c } from "../core/c.js";\nexport const i2 = c;\n',
      "src/v2/index.ts": 'export { i } from "../internal/i.js";\n',
      "src/cli/ok.ts":
        'import { readFileSync } from "node:fs";\nimport { m } from "../testing/m.js";\nimport { i } from "../v2/index.js";\nexport const k = [readFileSync, m, i];\n',
      "src/cli/behind-an-entry.ts": 'import { v } from "../v2/v.js";\nexport const k2 = v;\n',
      "src/core/imports-cli.ts": 'import { k } from "../cli/ok.js";\nexport const c6 = k;\n',
    });
    const found = cruise(dir)
      // node_modules is a symlink to the repo's, so packages resolve to paths outside the tree.
      .map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^.*node_modules\//, "node_modules/")}`)
      .sort();
    expect(found).toEqual(
      [
        "grpc-uses-v2-types-only: src/grpc/value.ts → src/v2/u.ts",
        "kubernetes-client-only-in-deploy-node: src/deploy/universal.ts → node_modules/@kubernetes/client-node/dist/index.js",
        "no-circular: src/core/a.ts → src/core/b.ts",
        "node-builtins-only-in-node: src/deploy/universal.ts → fs",
        "node-builtins-only-in-node: src/core/imports-node.ts → http",
        "node-builtins-only-in-node: src/tensor/imports-node.ts → fs",
        "not-to-unresolvable: src/core/missing.ts → ./does-not-exist.js",
        "src-not-to-testing-examples-tests: src/core/imports-testing.ts → src/testing/m.ts",
        "tensor-imports-only-errors: src/tensor/imports-core.ts → src/core/c.ts",
        "tensor-imports-only-errors: src/tensor/imports-node.ts → fs",
        "tensor-imports-only-errors: src/tensor/imports-package.ts → node_modules/fast-check/lib/cjs/fast-check.js",
        "errors-import-nothing: src/errors/imports-tensor.ts → src/tensor/sibling.ts",
        "core-imports-only-tensor-errors-internal: src/core/imports-deploy.ts → src/deploy/d.ts",
        "core-imports-only-tensor-errors-internal: src/core/imports-testing.ts → src/testing/m.ts",
        "internal-imports-only-errors: src/internal/imports-core.ts → src/core/c.ts",
        "entries-do-not-reexport-internal: src/v2/index.ts → src/internal/i.ts",
        "v1-v2-independent: src/v1/imports-v2.ts → src/v2/v.ts",
        "nothing-imports-cli: src/core/imports-cli.ts → src/cli/ok.ts",
        "core-imports-only-tensor-errors-internal: src/core/imports-cli.ts → src/cli/ok.ts",
        "cli-uses-public-entries: src/cli/behind-an-entry.ts → src/v2/v.ts",
        "cli-uses-public-entries: src/cli/ok.ts → src/testing/m.ts",
      ].sort(),
    );
  });
});

describe("curated entry points", () => {
  it("no index.ts re-exports with export *", () => {
    const indexes: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && entry.name !== "gen") walk(path);
        else if (entry.name === "index.ts") indexes.push(path);
      }
    };
    walk(join(repo, "src"));
    expect(indexes.length).toBeGreaterThan(0);
    // The one exception: the public errors, one list every entry that can throw them re-exports (src/errors/public.ts).
    for (const path of indexes) {
      const text = readFileSync(path, "utf8").replace(/^export \* from "(\.\.?\/)+errors\/public\.js";$/gm, "");
      expect(text, path).not.toMatch(/export\s*\*/);
    }
  });

  it("the public errors list names each export (no export * inside it)", () => {
    const text = readFileSync(join(repo, "src/errors/public.ts"), "utf8");
    expect(text).not.toMatch(/^export\s*\*/m);
    expect(text).toMatch(/export \{ AbortError, ConfigError, ConnectionError, TimeoutError \}/);
  });
});

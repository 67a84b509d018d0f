/**
 * The universal deploy entry loads in browsers and edge runtimes: everything src/deploy/index.ts reaches imports
 * only relative modules, zod/mini and yaml — no node:*, no @kubernetes/client-node, no full zod.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Every module specifier in `file`: static imports, re-exports and dynamic imports. */
function specifiers(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [
    ...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/g),
  ].map((m) => (m[1] ?? m[2])!);
}

it("reaches only zod/mini and yaml outside its own sources", () => {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of specifiers(file)) {
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      else packages.add(specifier);
    }
  };
  visit(resolve(root, "src/deploy/index.ts"));
  expect([...seen].some((file) => file.endsWith("src/deploy/serialize.ts"))).toBe(true);
  expect([...packages].sort()).toEqual(["yaml", "zod/mini"]);
});

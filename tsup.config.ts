import { readdir, readFile, writeFile } from "node:fs/promises";
import { defineConfig } from "tsup";

// One entry per public subpath; keep in step with package.json "exports".
export const entries = {
  index: "src/index.ts",
  "index.node": "src/index.node.ts",
  "tensor/index": "src/tensor/index.ts",
  "otel/index": "src/otel/index.ts",
  "v1/index": "src/v1/index.ts",
  "v1/index.node": "src/v1/index.node.ts",
  "v2/index": "src/v2/index.ts",
  "v2/index.node": "src/v2/index.node.ts",
  "grpc/index": "src/grpc/index.ts",
  "grpc/index.node": "src/grpc/index.node.ts",
  "grpc/descriptors": "src/grpc/descriptors.ts",
  "node/index": "src/node/index.ts",
  "node/index.browser": "src/node/index.browser.ts",
  "deploy/index": "src/deploy/index.ts",
  "deploy/index.node": "src/deploy/index.node.ts",
  "testing/index": "src/testing/index.ts",
  "testing/index.browser": "src/testing/index.browser.ts",
};

export default defineConfig({
  entry: entries,
  format: ["esm", "cjs"],
  dts: true,
  // Shared chunks: one copy of the error classes (and everything else shared) across entries.
  splitting: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  // Dependencies stay imports (tsup's default); node:* is only ever imported by the Node builds.
  external: [/^node:/],
  // Keep the `node:` prefix tsup strips by default (for Node < 14.18): Deno, Bun and Cloudflare's nodejs_compat
  // need it, and it is how the dist tests tell a built-in from a package.
  removeNodeProtocol: false,
  shims: false,
  minify: false,
  treeshake: true,
  onSuccess: blankBareChunkImports,
});

/**
 * esbuild's code splitting keeps source order by importing, for nothing, every shared chunk that comes earlier
 * (`import './chunk-X.js';`). The package declares `"sideEffects": false`, and no module here has an import-time
 * effect (src has no bare imports), so users' bundlers drop those imports anyway, and esbuild and Vite warn about
 * each one ("ignored-bare-import"). Blank them out where they are made. The line is kept, empty, so the source
 * maps still line up.
 */
async function blankBareChunkImports(): Promise<void> {
  const bare = /^(?:import '\.\.?\/chunk-[\w-]+\.js';|require\('\.\.?\/chunk-[\w-]+\.cjs'\);)$/gm;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else if (/\.c?js$/.test(entry.name)) {
        const code = await readFile(path, "utf8");
        const blanked = code.replace(bare, "");
        if (blanked !== code) await writeFile(path, blanked);
      }
    }
  };
  await walk("dist");
}

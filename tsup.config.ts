import { defineConfig } from "tsup";

// One entry per public subpath; keep in step with package.json "exports".
export const entries = {
  index: "src/index.ts",
  "index.node": "src/index.node.ts",
  "tensor/index": "src/tensor/index.ts",
  "v1/index": "src/v1/index.ts",
  "v1/index.node": "src/v1/index.node.ts",
  "v2/index": "src/v2/index.ts",
  "v2/index.node": "src/v2/index.node.ts",
  "grpc/index": "src/grpc/index.ts",
  "node/index": "src/node/index.ts",
  "node/index.browser": "src/node/index.browser.ts",
  "deploy/index": "src/deploy/index.ts",
  "deploy/index.node": "src/deploy/index.node.ts",
  "testing/index": "src/testing/index.ts",
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
  shims: false,
  minify: false,
  treeshake: true,
});

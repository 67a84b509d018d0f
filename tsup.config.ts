import { defineConfig } from "tsup";

// One entry per public subpath; keep in step with package.json "exports".
export const entries = {
  index: "src/index.ts",
  "tensor/index": "src/tensor/index.ts",
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
  shims: false,
  minify: false,
  treeshake: true,
});

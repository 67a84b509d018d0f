import { defineConfig } from "tsup";

// The `kserve-client` bin, built after the library (npm run build): Node only, ESM, one file. It imports the
// package's public entries by name, so they stay imports and resolve to the library's own build at run time.
export default defineConfig({
  entry: { "cli/bin": "src/cli/bin.ts" },
  format: ["esm"],
  dts: false,
  splitting: false,
  sourcemap: true,
  clean: false,
  target: "node20",
  platform: "node",
  external: [/^node:/, /^kserve-client(\/|$)/],
  removeNodeProtocol: false,
  shims: false,
  minify: false,
  treeshake: true,
});

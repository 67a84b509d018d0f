/**
 * Bun: the universal entries from the packed package, in a Bun process, against the mock KServe in Node.
 *
 * Bun resolves exports with the "bun" and "node" conditions, but answers `import "undici"` with a module of its own
 * on fetch that has no dispatcher API, so the Node build cannot work there: the exports map's "bun" condition gives
 * the root, /v1 and /v2 their fetch build (as in browsers: `host` is refused). /grpc keeps its Node build, which
 * only adds the native transport's failure messages and needs no undici.
 */
import { describeUniversalEntries } from "./universal.js";

describeUniversalEntries({
  label: "Bun",
  name: "bun",
  // --no-install: never fetch a missing package from the registry at run time (Bun's auto-install).
  command: (probe, args) => ["--no-install", probe, ...args],
  // Bun sends no crash reports or telemetry with DO_NOT_TRACK.
  env: () => ({ DO_NOT_TRACK: "1" }),
  builds: {
    "kserve-client": "dist/index.js",
    "kserve-client/v1": "dist/v1/index.js",
    "kserve-client/v2": "dist/v2/index.js",
    "kserve-client/tensor": "dist/tensor/index.js",
    "kserve-client/grpc": "dist/grpc/index.node.js",
    "kserve-client/node": "dist/node/index.js",
  },
  host: "refused",
});

// What the SDK costs a browser bundle beside what a user would otherwise pull in, minified + gzip (esbuild, browser
// target; the same measure as the CI budget check in scripts/bundle-size.mjs). The alternatives that are not
// dependencies of this project (axios, ky, Google's grpc-web with google-protobuf) are installed from the npm
// registry into .cache/bundle-compare first.
//   node bench/bundle/index.mjs
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BUNDLES, measureBundle } from "../../scripts/bundle-size.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCRATCH = `${ROOT}.cache/bundle-compare`;
const kb = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** @type {{ name: string, source: string, resolveDir?: string, note?: string }[]} */
const ALTERNATIVES = [
  {
    name: "connect-es gRPC-web, no SDK (generated service + createClient)",
    source: `import { createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { GRPCInferenceService } from "./src/grpc/gen/grpc_predict_v2_pb.ts";
export default (baseUrl) => createClient(GRPCInferenceService, createGrpcWebTransport({ baseUrl }));`,
    note: "the floor for gRPC-web with protobuf-es: no tensors, retries or typed errors",
  },
  {
    name: "Google grpc-web + google-protobuf runtimes",
    source: `import * as grpcWeb from "grpc-web"; import * as pb from "google-protobuf"; export default [grpcWeb, pb];`,
    resolveDir: SCRATCH,
    note: "runtimes only, before any generated message code",
  },
  {
    name: "zod (classic) for the same response envelope",
    source: envelopeWith("zod"),
    note: "what validating by hand with full zod adds",
  },
  {
    name: "zod/mini for the same response envelope",
    source: envelopeWith("zod/mini"),
    note: "inside the SDK's figure",
  },
  {
    name: "axios",
    source: `import axios from "axios"; export default axios;`,
    resolveDir: SCRATCH,
    note: "a common HTTP client, no validation",
  },
  {
    name: "ky",
    source: `import ky from "ky"; export default ky;`,
    resolveDir: SCRATCH,
    note: "a small fetch wrapper with retries",
  },
];

/** @param {string} module */
function envelopeWith(module) {
  const z = `import * as z from "${module}";`;
  return `${z}
const tensor = z.object({ name: z.string(), datatype: z.string(), shape: z.array(z.number()), data: z.array(z.unknown()) });
export default z.object({ model_name: z.string(), id: z.optional(z.string()), outputs: z.array(tensor) });`;
}

mkdirSync(SCRATCH, { recursive: true });
writeFileSync(`${SCRATCH}/package.json`, JSON.stringify({ name: "bundle-compare", private: true }));
execFileSync(
  "npm",
  ["install", "--no-audit", "--no-fund", "--silent", "axios@1", "ky@1", "grpc-web@1", "google-protobuf@3"],
  { cwd: SCRATCH, stdio: "inherit" },
);

console.log("| What is imported | minified | minified + gzip | note |\n| --- | ---: | ---: | --- |");
for (const bundle of BUNDLES) {
  const size = await measureBundle(bundle.source);
  console.log(
    `| kserve-client: ${bundle.name} | ${kb(size.minified)} | ${kb(size.gzip)} | ${bundle.budget === undefined ? "" : `budget ${kb(bundle.budget)}`} |`,
  );
}
for (const alternative of ALTERNATIVES) {
  const size = await measureBundle(alternative.source, { resolveDir: alternative.resolveDir ?? ROOT });
  console.log(`| ${alternative.name} | ${kb(size.minified)} | ${kb(size.gzip)} | ${alternative.note ?? ""} |`);
}

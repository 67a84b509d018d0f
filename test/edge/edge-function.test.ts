/**
 * examples/edge inside an edge runtime: the function is bundled with esbuild the way an edge platform's build
 * does it (the "edge-light"/"worker"/"browser" export conditions, no Node built-ins), evaluated in the
 * `edge-runtime` package's VM (Vercel's Edge Runtime: web globals only, no `process`, no `require`, no eval)
 * and called through that VM's FetchEvent dispatch. The model is the mock KServe on loopback, which the VM's
 * `fetch` reaches like any other address.
 */
import { resolve } from "node:path";
import { build, type BuildOptions, type Metafile } from "esbuild";
import { EdgeRuntime } from "edge-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockKServe, startMockKServe } from "kserve-client/testing";
import {
  type EdgeConfig,
  edgeEnv,
  edgeFunctionContract,
  expectHostRefused,
  expectNoNodeInBundle,
  HOST_PROBE,
} from "./contract.js";

const ROOT = resolve(import.meta.dirname, "../..");

// What an edge platform's bundler resolves with, plus the source condition so "kserve-client" is src/index.ts
// (the exports map's `@kserve-client/source` entry without the "node" condition: the fetch build).
const ESBUILD: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  write: false,
  metafile: true,
  logLevel: "silent",
  platform: "browser",
  target: "es2022",
  // A classic script: the VM evaluates scripts, and the IIFE leaves the exports on one global.
  format: "iife",
  conditions: ["@kserve-client/source", "edge-light", "worker", "browser", "import", "default"],
};

let mock: MockKServe;
let metafile: Metafile;
let runtime: EdgeRuntime;
let exampleCode: string;

beforeAll(async () => {
  const example = await build({ ...ESBUILD, entryPoints: ["examples/edge/handler.mjs"], globalName: "edgeFunction" });
  // A probe beside the example, bundled the same way: what the SDK does with `host` in this runtime.
  const probe = await build({
    ...ESBUILD,
    globalName: "probe",
    stdin: {
      resolveDir: import.meta.dirname,
      loader: "js",
      contents: HOST_PROBE,
    },
  });
  metafile = example.metafile!;
  exampleCode = example.outputFiles![0]!.text;
  // The platform's side, as a script in the VM: the FetchEvent listener hands each request to `handle`, which
  // a test points at the module worker's fetch with the environment it is deployed with.
  runtime = new EdgeRuntime({
    initialCode: [
      exampleCode,
      probe.outputFiles![0]!.text,
      'var handle = () => { throw new Error("no handler set"); };',
      'addEventListener("fetch", (event) => event.respondWith(handle(event.request)));',
    ].join("\n;\n"),
  });
  mock = await startMockKServe({ cluster: false, grpc: false });
});

afterAll(async () => {
  await mock?.close();
});

/** Route the VM's fetch events to the Cloudflare module worker, `export default { fetch(request, env) }`. */
function useWorker(env: Record<string, string>): void {
  runtime.evaluate(`handle = (request) => edgeFunction.default.fetch(request, ${JSON.stringify(env)});`);
}

/** The function as deployed with `config`'s environment: the VM's fetch events go to the module worker. */
function fetchDeployed(config: EdgeConfig, path: string, init?: RequestInit): Promise<Response> {
  useWorker(edgeEnv(config, mock.url));
  return runtime.dispatchFetch(`https://edge.example.com${path}`, init);
}

describe("examples/edge in the edge runtime", () => {
  it("runs in the edge VM: web globals only, no process, no require, no eval", () => {
    expect(runtime.evaluate("EdgeRuntime")).toBe("edge-runtime");
    expect(runtime.evaluate("typeof process")).toBe("undefined");
    expect(runtime.evaluate("typeof require")).toBe("undefined");
    expect(runtime.evaluate("typeof fetch")).toBe("function");
    // Code generation from strings is off in the VM, as on the platforms.
    expect(() => runtime.evaluate('eval("1")')).toThrow(/Code generation from strings disallowed/);
    // The function lives in the VM's global scope, not in the test's.
    expect(runtime.evaluate("typeof edgeFunction.default.fetch")).toBe("function");
    expect(runtime.evaluate("typeof edgeFunction.createClassifyHandler")).toBe("function");
    expect((globalThis as { edgeFunction?: unknown }).edgeFunction).toBeUndefined();
  });

  edgeFunctionContract({ mock: () => mock, fetch: fetchDeployed });

  it("the Vercel route handler POST reads process.env, which Vercel's edge runtime provides", async () => {
    // This VM has no `process` (the first test proves it); Vercel's edge runtime adds one with `env`.
    const vercel = new EdgeRuntime({
      extend: (context) => Object.assign(context, { process: { env: { KSERVE_URL: mock.url, KSERVE_MODEL: "iris" } } }),
      initialCode: [
        exampleCode,
        'addEventListener("fetch", (event) => event.respondWith(edgeFunction.POST(event.request)));',
      ].join("\n;\n"),
    });
    const res = await vercel.dispatchFetch("https://edge.example.com/classify", {
      method: "POST",
      body: '{"features":[5.1,3.5,1.4,0.2]}',
    });
    expect([res.status, await res.json()]).toEqual([200, { class: 0, species: "setosa", model: "iris" }]);
  });
});

describe("the edge bundle", () => {
  it("has no Node built-in and no undici: the SDK's fetch build (src/index.ts), not the Node one", () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain("examples/edge/handler.mjs");
    expect(inputs).toContain("src/index.ts");
    expect(inputs).toContain("src/core/fetch-client.ts");
    expectNoNodeInBundle(metafile, (path) => path.startsWith("src/node/") || /(^|\/)index\.node\.ts$/.test(path));
  });

  it("in the edge VM, createV2Client refuses `host` with a ConfigError that says fetch cannot present Host", () => {
    expectHostRefused(JSON.parse(runtime.evaluate<string>(`probe.tryHost(${JSON.stringify(mock.url)})`)));
  });
});

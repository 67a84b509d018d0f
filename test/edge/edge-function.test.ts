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
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Tensor } from "kserve-client";
import { type MockKServe, startMockKServe } from "kserve-client/testing";

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

const IRIS_ROWS = [
  { features: [5.1, 3.5, 1.4, 0.2], classId: 0, species: "setosa" },
  { features: [6.4, 3.2, 4.5, 1.5], classId: 1, species: "versicolor" },
  { features: [6.3, 3.3, 6.0, 2.5], classId: 2, species: "virginica" },
];

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
      contents: `
        import { createV2Client, ConfigError, isKServeError } from "kserve-client";
        export function tryHost(baseUrl) {
          try {
            createV2Client({ baseUrl, host: "x.example.com" });
            return JSON.stringify({ threw: false });
          } catch (error) {
            return JSON.stringify({ threw: true, configError: error instanceof ConfigError, kserveError: isKServeError(error), name: error.name, code: error.code, message: error.message });
          }
        }`,
    },
  });
  metafile = example.metafile!;
  exampleCode = example.outputFiles![0]!.text;
  // The platform's side, as a script in the VM: the FetchEvent listener hands each request to `handle`, which
  // a test points at the module worker's fetch (with its env) or at a handler it configured.
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

// A scripted fault a failing test left unplayed must not leak into the next test.
afterEach(() => {
  if (mock !== undefined) mock.models.get("iris")!.faults.length = 0;
});

/** Route the VM's fetch events to the Cloudflare module worker, `export default { fetch(request, env) }`. */
function useWorker(env: Record<string, string>): void {
  runtime.evaluate(`handle = (request) => edgeFunction.default.fetch(request, ${JSON.stringify(env)});`);
}

/** Route the VM's fetch events to a handler made by `createClassifyHandler(options)` inside the VM. */
function useHandler(options: { baseUrl: string; model: string; timeoutMs?: number }): void {
  runtime.evaluate(`handle = edgeFunction.createClassifyHandler(${JSON.stringify(options)});`);
}

async function dispatch(
  path: string,
  init: RequestInit & { body?: string } = {},
): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const res = await runtime.dispatchFetch(`https://edge.example.com${path}`, { method: "POST", ...init });
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    body: (await res.json()) as Record<string, unknown>,
  };
}

const classify = (features: unknown) => dispatch("/classify", { body: JSON.stringify({ features }) });
const inferCalls = (model: string) => mock.requests.filter((r) => r.path === `/v2/models/${model}/infer`).length;

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

  it("classifies three iris rows through the module worker's fetch(request, env)", async () => {
    useWorker({ KSERVE_URL: mock.url, KSERVE_MODEL: "iris" });
    const iris = mock.models.get("iris")!;
    const before = inferCalls("iris");
    for (const row of IRIS_ROWS) {
      // The mock's own answer for the row, asked in process: the expectation is the model's, not a guess.
      const [output] = iris.infer([Tensor.fp32("input-0", [1, 4], row.features)]);
      expect(Number(output!.at(0))).toBe(row.classId);
      const res = await classify(row.features);
      expect(res).toEqual({
        status: 200,
        type: "application/json",
        body: { class: row.classId, species: row.species, model: "iris" },
      });
    }
    expect(inferCalls("iris")).toBe(before + IRIS_ROWS.length);
  });

  it("without KSERVE_URL the worker answers 500 saying so, and calls nothing", async () => {
    useWorker({});
    const before = mock.requests.length;
    expect(await classify([5.1, 3.5, 1.4, 0.2])).toMatchObject({
      status: 500,
      body: { error: expect.stringContaining("KSERVE_URL is not set") },
    });
    expect(mock.requests.length).toBe(before);
  });

  it("validates its input: 400 with what is wrong, 413 for a body too large, 404 and 405 otherwise, and the model is not called", async () => {
    useWorker({ KSERVE_URL: mock.url, KSERVE_MODEL: "iris" });
    const before = mock.requests.length;
    expect(await dispatch("/classify", { body: "not json" })).toMatchObject({
      status: 400,
      type: "application/json",
      body: { error: expect.stringContaining("must be JSON") },
    });
    expect(await classify([1, 2, 3])).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining("array of 4 numbers") },
    });
    expect(await classify([1, 2, "3", 4])).toEqual({
      status: 400,
      type: "application/json",
      body: { error: 'features[2] must be a number of centimetres from 0 to 100, got "3".' },
    });
    expect(await classify([1, 2, 3, -1])).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining("features[3]") },
    });
    expect(
      await dispatch("/classify", { body: JSON.stringify({ features: [1, 2, 3, 4], pad: "x".repeat(20_000) }) }),
    ).toMatchObject({
      status: 413,
      body: { error: expect.stringContaining("larger than 16384 bytes") },
    });
    const get = await runtime.dispatchFetch("https://edge.example.com/classify", { method: "GET" });
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    expect(await dispatch("/predict", { body: "{}" })).toMatchObject({ status: 404 });
    expect(mock.requests.length).toBe(before);
  });

  it("an unknown model is a 502 naming the SDK's error code", async () => {
    useWorker({ KSERVE_URL: mock.url, KSERVE_MODEL: "no-such-model" });
    expect(await classify([5.1, 3.5, 1.4, 0.2])).toMatchObject({
      status: 502,
      body: { error: "the model call failed: not_found" },
    });
  });

  it("a model error (500, not retried) is a 502 carrying the server's request id", async () => {
    const iris = mock.models.get("iris")!;
    iris.faults.push({ status: 500, body: '{"error":"boom"}', headers: { "x-request-id": "req-edge-42" } });
    useHandler({ baseUrl: mock.url, model: "iris" });
    const before = inferCalls("iris");
    expect(await classify([5.1, 3.5, 1.4, 0.2])).toEqual({
      status: 502,
      type: "application/json",
      body: { error: "the model call failed: internal", requestId: "req-edge-42" },
    });
    expect(inferCalls("iris")).toBe(before + 1);
  });

  it("a model that does not answer within the deadline is a 504, in time", async () => {
    const iris = mock.models.get("iris")!;
    iris.faults.push({ hang: true });
    useHandler({ baseUrl: mock.url, model: "iris", timeoutMs: 300 });
    const started = performance.now();
    expect(await classify([6.3, 3.3, 6.0, 2.5])).toMatchObject({
      status: 504,
      body: { error: "the model call failed: deadline_exceeded" },
    });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
    expect(iris.faults).toHaveLength(0);
  });

  it("retries a model that is briefly unavailable (503), then answers", async () => {
    const iris = mock.models.get("iris")!;
    // retry-after-ms keeps the waits short; the SDK honours it.
    iris.faults.push(
      { status: 503, headers: { "retry-after-ms": "20" } },
      { status: 503, headers: { "retry-after-ms": "20" } },
    );
    useHandler({ baseUrl: mock.url, model: "iris", timeoutMs: 3000 });
    const before = inferCalls("iris");
    expect(await classify([6.4, 3.2, 4.5, 1.5])).toMatchObject({
      status: 200,
      body: { class: 1, species: "versicolor" },
    });
    expect(iris.faults).toHaveLength(0);
    expect(inferCalls("iris")).toBe(before + 3);
  });

  it("a model still unavailable after the retries is a 503", async () => {
    const iris = mock.models.get("iris")!;
    for (let i = 0; i < 3; i++) iris.faults.push({ status: 503, headers: { "retry-after-ms": "10" } });
    useHandler({ baseUrl: mock.url, model: "iris", timeoutMs: 3000 });
    const before = inferCalls("iris");
    expect(await classify([6.4, 3.2, 4.5, 1.5])).toMatchObject({
      status: 503,
      body: { error: "the model call failed: unavailable" },
    });
    expect(inferCalls("iris")).toBe(before + 3);
  });

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
    expect(
      inputs.filter(
        (path) => path.includes("node_modules/undici/") || path.startsWith("node:") || path.startsWith("src/node/"),
      ),
    ).toEqual([]);
    expect(inputs.filter((path) => /(^|\/)index\.node\.ts$/.test(path))).toEqual([]);
    // Nothing left for the runtime to load: no import was made external (which is how a node: import would
    // survive a bundle), and the output imports nothing.
    const imports = Object.values(metafile.inputs).flatMap((input) => input.imports);
    expect(imports.filter((i) => i.external === true || i.path.startsWith("node:"))).toEqual([]);
    expect(Object.values(metafile.outputs).flatMap((output) => output.imports)).toEqual([]);
  });

  it("in the edge VM, createV2Client refuses `host` with a ConfigError that says fetch cannot present Host", () => {
    const result = JSON.parse(runtime.evaluate<string>(`probe.tryHost(${JSON.stringify(mock.url)})`)) as Record<
      string,
      unknown
    >;
    expect(result).toMatchObject({
      threw: true,
      configError: true,
      kserveError: true,
      name: "ConfigError",
      code: "invalid_argument",
    });
    expect(result["message"]).toMatch(
      /host \("x\.example\.com"\) needs an HttpClient that can present another hostname, and fetch cannot/,
    );
    expect(result["message"]).toMatch(/InferenceService's hostname as baseUrl/);
  });
});

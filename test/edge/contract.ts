/**
 * What examples/edge must do wherever it is deployed: the edge-runtime VM (test/edge), Cloudflare's workerd and
 * `deno serve` (test/runtimes). Each runtime's test deploys the function once per configuration below (a platform
 * hands the configuration over as environment variables) and registers these tests with a way to call it.
 */
import type { Metafile } from "esbuild";
import { afterEach, expect, it } from "vitest";
import { Tensor } from "kserve-client";
import type { MockKServe } from "kserve-client/testing";

/** The deployments the tests call, each with its own environment. */
export const EDGE_CONFIGS = ["iris", "noUrl", "unknownModel", "shortDeadline"] as const;
export type EdgeConfig = (typeof EDGE_CONFIGS)[number];

/** The environment variables of a deployment, with the mock KServe as the model server. */
export function edgeEnv(config: EdgeConfig, mockUrl: string): Record<string, string> {
  switch (config) {
    case "iris":
      return { KSERVE_URL: mockUrl, KSERVE_MODEL: "iris" };
    case "noUrl":
      return {};
    case "unknownModel":
      return { KSERVE_URL: mockUrl, KSERVE_MODEL: "no-such-model" };
    case "shortDeadline":
      return { KSERVE_URL: mockUrl, KSERVE_MODEL: "iris", KSERVE_TIMEOUT_MS: "300" };
  }
}

export interface EdgeDeployments {
  /** The mock KServe the deployments call (read once the runtime's beforeAll has run). */
  mock(): MockKServe;
  /** Calls the function deployed with `config`'s environment at `https://<its host>${path}`. */
  fetch(config: EdgeConfig, path: string, init?: RequestInit): Promise<Response>;
}

const IRIS_ROWS = [
  { features: [5.1, 3.5, 1.4, 0.2], classId: 0, species: "setosa" },
  { features: [6.4, 3.2, 4.5, 1.5], classId: 1, species: "versicolor" },
  { features: [6.3, 3.3, 6.0, 2.5], classId: 2, species: "virginica" },
];

/** Registers the tests of examples/edge's classify endpoint, in the caller's describe block. */
export function edgeFunctionContract(deployments: EdgeDeployments): void {
  const iris = () => deployments.mock().models.get("iris")!;
  const inferCalls = (model: string) =>
    deployments.mock().requests.filter((r) => r.path === `/v2/models/${model}/infer`).length;

  async function call(
    config: EdgeConfig,
    path: string,
    init: RequestInit = {},
  ): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
    const res = await deployments.fetch(config, path, { method: "POST", ...init });
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      body: (await res.json()) as Record<string, unknown>,
    };
  }
  const classify = (config: EdgeConfig, features: unknown) =>
    call(config, "/classify", { body: JSON.stringify({ features }) });

  // A scripted fault a failing test left unplayed must not leak into the next test.
  afterEach(() => {
    iris().faults.length = 0;
  });

  it("classifies three iris rows as the model does", async () => {
    const before = inferCalls("iris");
    for (const row of IRIS_ROWS) {
      // The mock's own answer for the row, asked in process: the expectation is the model's, not a guess.
      const [output] = iris().infer([Tensor.fp32("input-0", [1, 4], row.features)]);
      expect(Number(output!.at(0))).toBe(row.classId);
      expect(await classify("iris", row.features)).toEqual({
        status: 200,
        type: "application/json",
        body: { class: row.classId, species: row.species, model: "iris" },
      });
    }
    expect(inferCalls("iris")).toBe(before + IRIS_ROWS.length);
  });

  it("without KSERVE_URL the function answers 500 saying so, and calls nothing", async () => {
    const before = deployments.mock().requests.length;
    expect(await classify("noUrl", [5.1, 3.5, 1.4, 0.2])).toMatchObject({
      status: 500,
      body: { error: expect.stringContaining("KSERVE_URL is not set") },
    });
    expect(deployments.mock().requests.length).toBe(before);
  });

  it("validates its input: 400 with what is wrong, 413 for a body too large, 404 and 405 otherwise, and the model is not called", async () => {
    const before = deployments.mock().requests.length;
    expect(await call("iris", "/classify", { body: "not json" })).toMatchObject({
      status: 400,
      type: "application/json",
      body: { error: expect.stringContaining("must be JSON") },
    });
    expect(await classify("iris", [1, 2, 3])).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining("array of 4 numbers") },
    });
    expect(await classify("iris", [1, 2, "3", 4])).toEqual({
      status: 400,
      type: "application/json",
      body: { error: 'features[2] must be a number of centimetres from 0 to 100, got "3".' },
    });
    expect(await classify("iris", [1, 2, 3, -1])).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining("features[3]") },
    });
    expect(
      await call("iris", "/classify", { body: JSON.stringify({ features: [1, 2, 3, 4], pad: "x".repeat(20_000) }) }),
    ).toMatchObject({
      status: 413,
      body: { error: expect.stringContaining("larger than 16384 bytes") },
    });
    const get = await deployments.fetch("iris", "/classify", { method: "GET" });
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    await get.body?.cancel();
    expect(await call("iris", "/predict", { body: "{}" })).toMatchObject({ status: 404 });
    expect(deployments.mock().requests.length).toBe(before);
  });

  it("an unknown model is a 502 naming the SDK's error code", async () => {
    expect(await classify("unknownModel", [5.1, 3.5, 1.4, 0.2])).toMatchObject({
      status: 502,
      body: { error: "the model call failed: not_found" },
    });
  });

  it("a model error (500, not retried) is a 502 carrying the server's request id", async () => {
    iris().faults.push({ status: 500, body: '{"error":"boom"}', headers: { "x-request-id": "req-edge-42" } });
    const before = inferCalls("iris");
    expect(await classify("iris", [5.1, 3.5, 1.4, 0.2])).toEqual({
      status: 502,
      type: "application/json",
      body: { error: "the model call failed: internal", requestId: "req-edge-42" },
    });
    expect(inferCalls("iris")).toBe(before + 1);
  });

  it("a model that does not answer within KSERVE_TIMEOUT_MS (300 ms) is a 504, not the 4000 ms default", async () => {
    iris().faults.push({ hang: true });
    const started = performance.now();
    expect(await classify("shortDeadline", [6.3, 3.3, 6.0, 2.5])).toMatchObject({
      status: 504,
      body: { error: "the model call failed: deadline_exceeded" },
    });
    // The model never answers, so only a deadline ends the call: not before its 300 ms (less a timer's slack), and
    // well before the 4000 ms it would have been without the variable.
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(4000);
    expect(iris().faults).toHaveLength(0);
  });

  it("retries a model that is briefly unavailable (503), then answers", async () => {
    // retry-after-ms keeps the waits short; the SDK honours it.
    iris().faults.push(
      { status: 503, headers: { "retry-after-ms": "20" } },
      { status: 503, headers: { "retry-after-ms": "20" } },
    );
    const before = inferCalls("iris");
    expect(await classify("iris", [6.4, 3.2, 4.5, 1.5])).toMatchObject({
      status: 200,
      body: { class: 1, species: "versicolor" },
    });
    expect(iris().faults).toHaveLength(0);
    expect(inferCalls("iris")).toBe(before + 3);
  });

  it("a model still unavailable after the retries is a 503", async () => {
    for (let i = 0; i < 3; i++) iris().faults.push({ status: 503, headers: { "retry-after-ms": "10" } });
    const before = inferCalls("iris");
    expect(await classify("iris", [6.4, 3.2, 4.5, 1.5])).toMatchObject({
      status: 503,
      body: { error: "the model call failed: unavailable" },
    });
    expect(inferCalls("iris")).toBe(before + 3);
  });
}

/**
 * An ES module, bundled beside the example in a runtime's test: `tryHost(baseUrl)` returns, as JSON, what
 * createV2Client did with `host`.
 */
export const HOST_PROBE = `
  import { createV2Client, ConfigError, isKServeError } from "kserve-client";
  export function tryHost(baseUrl) {
    try {
      createV2Client({ baseUrl, host: "x.example.com" });
      return JSON.stringify({ threw: false });
    } catch (error) {
      return JSON.stringify({ threw: true, configError: error instanceof ConfigError, kserveError: isKServeError(error), name: error.name, code: error.code, message: error.message });
    }
  }`;

/** What HOST_PROBE reports where the SDK runs on fetch: a ConfigError that says fetch cannot present Host. */
export function expectHostRefused(result: Record<string, unknown>): void {
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
}

/**
 * A bundle of the example for an edge runtime holds no undici, no Node built-in and nothing of the SDK's Node build
 * (`isNodeBuild`), and leaves nothing for the runtime to load: no import was made external (which is how a node:
 * import would survive a bundle), and the output imports nothing.
 */
export function expectNoNodeInBundle(metafile: Metafile, isNodeBuild: (path: string) => boolean): void {
  const inputs = Object.keys(metafile.inputs);
  expect(
    inputs.filter((path) => path.includes("node_modules/undici/") || path.startsWith("node:") || isNodeBuild(path)),
  ).toEqual([]);
  const imports = Object.values(metafile.inputs).flatMap((input) => input.imports);
  expect(imports.filter((i) => i.external === true || i.path.startsWith("node:"))).toEqual([]);
  expect(Object.values(metafile.outputs).flatMap((output) => output.imports)).toEqual([]);
}

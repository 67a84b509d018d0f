// The universal entries (".", "/v1", "/v2", "/tensor", "/grpc" with connect-web) of the packed package, exercised
// from a runtime other than Node (Bun, Deno) against the mock KServe that the test runs in Node beside it. Run from
// inside the consumer project, so that bare specifiers resolve through its node_modules as the runtime resolves
// them. Arguments: the mock's URL and its gRPC URL. Prints one JSON report; test/runtimes/universal.ts checks it. The test scripts
// the faults of the models named here (flaky, slow, stuck) before starting this.
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import * as root from "kserve-client";
import { createGrpcClient } from "kserve-client/grpc";
import { createV1Client } from "kserve-client/v1";
import { createV2Client } from "kserve-client/v2";
import { Tensor } from "kserve-client/tensor";

const [baseUrl, grpcUrl] = globalThis.Deno?.args ?? globalThis.process.argv.slice(2);
const BEYOND_2_53 = [2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n];
const report = {
  runtime: globalThis.Bun
    ? `bun ${globalThis.Bun.version}`
    : globalThis.Deno
      ? `deno ${globalThis.Deno.version.deno}`
      : "other",
  resolved: {},
};

const ENTRIES = [
  "kserve-client",
  "kserve-client/v1",
  "kserve-client/v2",
  "kserve-client/tensor",
  "kserve-client/grpc",
  "kserve-client/node",
];
for (const specifier of ENTRIES) {
  // The file each specifier loads, relative to the package: which build this runtime picked from the exports map.
  const url = import.meta.resolve(specifier);
  report.resolved[specifier] = url.slice(
    url.lastIndexOf("/node_modules/kserve-client/") + "/node_modules/kserve-client/".length,
  );
}

/** Runs one scenario: its value, or what it threw (with the checks that only this process can make). */
async function scenario(name, fn) {
  try {
    report[name] = { value: await fn() };
  } catch (error) {
    report[name] = {
      error: {
        name: error?.name,
        code: error?.code,
        message: String(error?.message),
        isKServeError: root.isKServeError(error),
        instanceOf: Object.keys(root).filter(
          (key) => key.endsWith("Error") && typeof root[key] === "function" && error instanceof root[key],
        ),
        attempts: error?.attempts,
      },
    };
  }
}

const int64 = (tensor) => Array.from(tensor.data, String);

await scenario("v2Json", async () => {
  const client = root.createV2Client({ baseUrl, binary: "never" });
  const res = await client.infer("echo", { inputs: [Tensor.int64("x", [3], BEYOND_2_53)] });
  const out = res.output("x", "INT64");
  return { tag: Object.prototype.toString.call(out.data), values: int64(out) };
});

await scenario("v2Binary", async () => {
  const client = createV2Client({ baseUrl, binary: "always" });
  const res = await client.infer("echo", { id: "binary-call", inputs: [Tensor.int64("x", [3], BEYOND_2_53)] });
  return { id: res.id, values: int64(res.output("x", "INT64")) };
});

await scenario("v1Predict", async () => {
  const client = createV1Client({ baseUrl });
  const { predictions } = await client.predict("iris", { instances: [[6.8, 2.8, 4.8, 1.4]] });
  return predictions;
});

await scenario("grpcWeb", async () => {
  const client = createGrpcClient({ transport: createGrpcWebTransport({ baseUrl }) });
  const res = await client.infer("echo", { inputs: [Tensor.int64("x", [3], BEYOND_2_53)] });
  return int64(res.output("x", "INT64"));
});

await scenario("grpcNative", async () => {
  // Native gRPC over HTTP/2 (the runtime's node:http2), from kserve-client/node.
  const { createNodeGrpcTransport } = await import("kserve-client/node");
  const client = createGrpcClient({ transport: createNodeGrpcTransport({ baseUrl: grpcUrl }) });
  const res = await client.infer("echo", { inputs: [Tensor.int64("x", [3], BEYOND_2_53)] });
  return int64(res.output("x", "INT64"));
});

await scenario("retried503", async () => {
  const client = root.createV2Client({ baseUrl, timeoutMs: 10_000 });
  const res = await client.infer("flaky", { inputs: [Tensor.int32("x", [1], [7])] });
  return Array.from(res.output("x").data);
});

await scenario("deadline", async () => {
  const client = root.createV2Client({ baseUrl, timeoutMs: 300 });
  await client.infer("slow", { inputs: [Tensor.int32("x", [1], [7])] });
  return "answered";
});

await scenario("cancel", async () => {
  const client = root.createV2Client({ baseUrl });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  await client.infer("stuck", { inputs: [Tensor.int32("x", [1], [7])] }, { signal: controller.signal });
  return "answered";
});

await scenario("host", async () => {
  // The hostname of an InferenceService behind an ingress; the mock answers health checks for any Host.
  const client = root.createV2Client({ baseUrl, host: "sklearn-iris.kserve-test.example.com" });
  return { live: await client.serverLive() };
});

await scenario("nodeHttpClient", async () => {
  const { createNodeHttpClient } = await import("kserve-client/node");
  const client = root.createV2Client({ baseUrl, httpClient: createNodeHttpClient() });
  return { live: await client.serverLive() };
});

console.log(JSON.stringify(report));

// Run from a consumer project that has the tarball installed WITHOUT the optional peers (msw, connect, protobuf,
// connect-node, the Kubernetes client): what kserve-client/testing and kserve-client/grpc do then, via import().
// Prints one JSON report; test/dist/package.test.ts checks it, and that nothing printed a loader's raw error.
const { ConfigError, Tensor, createV2Client } = await import("kserve-client");
const { startMockKServe, createKServeHandlers } = await import("kserve-client/testing");
const { createGrpcClient } = await import("kserve-client/grpc");

const report = { node: process.version };

const mock = await startMockKServe();
try {
  const client = createV2Client({ baseUrl: mock.url });
  const res = await client.infer("iris-classifier", { inputs: [Tensor.fp32("input-0", [2, 4], [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3])] });
  report.mock = { grpcUrl: mock.grpcUrl ?? null, classes: Array.from(res.output("output-0").data, String) };
} finally {
  await mock.close();
}

report.handlers = outcome(() => createKServeHandlers());

const grpc = createGrpcClient({ transport: { unary: () => Promise.reject(new Error("not called")), stream: () => Promise.reject(new Error("not called")) } });
report.grpc = await grpc.infer("iris-classifier", { inputs: [Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2])] }).then(
  () => ({ threw: false }),
  (error) => described(error),
);

process.stdout.write(JSON.stringify(report));

function outcome(fn) {
  try {
    fn();
    return { threw: false };
  } catch (error) {
    return described(error);
  }
}

function described(error) {
  return { threw: true, configError: error instanceof ConfigError, code: error?.code, message: String(error?.message) };
}
